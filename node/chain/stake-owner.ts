// "Who owns the stake behind this peer id": the address the registry binds the peer id to. The
// registry keeps one peer id per address, but an address can move its stake to another peer id
// (setPeerId) at any time, so within one job two peer ids can show the same owner's stake. The
// market counts providers per owner (protocol/market/selection.ts), never per peer id.
import type { PeerId } from '@libp2p/interface'
import type { StakeRegistry } from './registry.ts'

/** A bidder's standing as the market sees it, with the owner of the stake when it is staked. */
export interface OwnedStake {
  stake: bigint
  slashed: boolean
  owner?: string
}

/** The address whose stake backs `peerId` (from the registry's cached standing), or undefined if none. */
export async function stakeOwnerOf(
  stakes: Pick<StakeRegistry, 'standingOfPeer'>,
  peerId: PeerId,
): Promise<string | undefined> {
  const standing = await stakes.standingOfPeer(peerId)
  return standing.provider ?? undefined
}

/** The market's stake hook with the owner added: the owner is named only for a staked bidder. */
export async function stakeWithOwner(
  stakes: Pick<StakeRegistry, 'standingOfPeer' | 'stakeOf'>,
  peerId: PeerId,
  ethAddress: string,
): Promise<OwnedStake> {
  const s = await stakes.stakeOf(peerId, ethAddress)
  if (s.stake === 0n) return s
  // cached by the stake lookup just made: no second RPC call
  const owner = await stakeOwnerOf(stakes, peerId).catch(() => undefined)
  return owner === undefined ? s : { ...s, owner }
}
