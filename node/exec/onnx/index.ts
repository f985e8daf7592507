// node/exec/onnx: the `onnx` executor. Re-exports only.
export { OnnxExecutor, ONNX_ISOLATION, type OnnxExecutorInit } from './onnx-executor.ts'
