// The part of the WebAssembly JS API that node/exec uses. The project compiles against
// lib ES2023 without DOM, and @types/node does not declare the WebAssembly global.
// (If the project ever adds lib "DOM", delete this file.)
export {}

declare global {
  namespace WebAssembly {
    type ImportExportKind = 'function' | 'table' | 'memory' | 'global' | 'tag'
    interface ModuleExportDescriptor {
      name: string
      kind: ImportExportKind
    }
    interface ModuleImportDescriptor {
      module: string
      name: string
      kind: ImportExportKind
    }
    type ExportValue = ((...args: never[]) => unknown) | Global | Memory | Table
    type Exports = Record<string, ExportValue>
    type ImportValue = ExportValue | number | bigint
    type ModuleImports = Record<string, ImportValue>
    type Imports = Record<string, ModuleImports>

    class Module {
      constructor(bytes: BufferSource)
      static exports(module: Module): ModuleExportDescriptor[]
      static imports(module: Module): ModuleImportDescriptor[]
    }
    class Instance {
      constructor(module: Module, imports?: Imports)
      readonly exports: Exports
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number; shared?: boolean })
      readonly buffer: ArrayBuffer
      grow(delta: number): number
    }
    class Table {
      readonly length: number
    }
    class Global {
      value: number | bigint
    }
    class CompileError extends Error {}
    class LinkError extends Error {}
    class RuntimeError extends Error {}
    function compile(bytes: BufferSource): Promise<Module>
    function validate(bytes: BufferSource): boolean
    function instantiate(module: Module, imports?: Imports): Promise<Instance>
  }
  type BufferSource = ArrayBufferView | ArrayBuffer
}
