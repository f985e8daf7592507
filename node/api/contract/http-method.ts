// The methods the local API uses; its own module so the contract and the router share it
// without the contract loading the router (the CLI loads the contract, never the server).
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])

export function isHttpMethod(method: string): method is HttpMethod {
  return METHODS.has(method)
}
