// The unit jobs are priced in: one second of wall-time limit on one 256 MiB memory tier.
// Priced on the limits, not on what a run ends up using, because a bid is made before the run
// and the provider reserves capacity for the limits (a 4 GiB, 60 s job blocks that memory for
// up to a minute whether it uses it or not). Memory in tiers rather than bytes so that jobs of
// nearly the same size price the same and clearing prices of "similar jobs" are comparable.
//
// Every executor class uses this unit, each with its own price per unit (the provider's
// `prices`, e.g. wasm=0.001,onnx=0.004; clearing prices are compared per class). For `onnx` it
// is one second of wall-time limit on one 256 MiB tier of the job's memory limit (the inference
// child's address-space cap): the model, its session and tensors live there. The intra-op
// threads a job asks for are not priced separately: a provider's onnx executor caps them (by
// default at min(4, cores)) and sets its onnx rate for the cores a run may take.
export const MEMORY_TIER_BYTES = 256 * 1024 * 1024

export function priceUnits(wallTimeMs: number, memoryBytes: number): bigint {
  const seconds = Math.max(1, Math.ceil(wallTimeMs / 1000))
  const tiers = Math.max(1, Math.ceil(memoryBytes / MEMORY_TIER_BYTES))
  return BigInt(seconds) * BigInt(tiers)
}
