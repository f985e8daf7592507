// JSON as the API writes it. Contract values are bigints; they cross as decimal strings.

export function toJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), space)
}
