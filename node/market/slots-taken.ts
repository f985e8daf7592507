// How many of a provider's capacity slots are taken (issues 14, 16). A job takes a slot from its
// acceptance until its run is over; while its result is then sent, or retried for up to 20 s when
// the requester cannot be reached, its slot serves the next job, so that a requester that gets
// the result and awards again at once finds it free. A delivering job still holds its output in
// memory, so at most `capacity` of them are let off: a requester that never takes its results
// cannot have the node run job after job, each one's output held until its delivery gives up.

export function slotsTaken(running: number, delivering: number, capacity: number): number {
  return running - Math.min(delivering, capacity)
}
