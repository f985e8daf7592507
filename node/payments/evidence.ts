// Result commitments a requester received, and the evidence when one provider signed two
// different outputs for one job. `slash` submits the pair to ProviderRegistry.slashEquivocation
// (the reporter gets its share) by commit–reveal: it first commits to a salted hash naming this
// node's address, then reveals the pair in a later block, so a copier of the revealing
// transaction is paid nothing. Records live in the store's `evidence` sublevel.
import { logger } from '../log/logger.ts'
import { getAddress, hexlify, randomBytes } from 'ethers'
import { registryDomain } from '../../protocol/eip712.ts'
import { HiveError } from '../../protocol/errors.ts'
import { isEquivocation, slashCommitment, verifyCommitment } from '../../protocol/payments/commitment.ts'
import type { ResultCommitment } from '../../protocol/eip712.ts'
import type { SignedCommitment } from '../../protocol/payments/commitment.ts'
import type { PaymentsChain } from './chain.ts'
import type { Sublevel } from '../store.ts'
// the evidence's shape lives with the API's route table, which returns it (node/api imports no service)
import type { EquivocationEvidence } from '../api/contract/views/payments.ts'

export type { EquivocationEvidence } from '../api/contract/views/payments.ts'

const log = logger('hive:payments:evidence')

export class EvidenceStore {
  private readonly chain: PaymentsChain
  private readonly db: Sublevel<unknown>
  private readonly now: () => number
  private readonly putDurable: (key: string, value: unknown) => Promise<void>

  constructor(init: {
    chain: PaymentsChain
    db: Sublevel<unknown>
    putDurable: (key: string, value: unknown) => Promise<void>
    now: () => number
  }) {
    this.chain = init.chain
    this.db = init.db
    this.putDurable = init.putDurable
    this.now = init.now
  }

  private async domain(): Promise<ReturnType<typeof registryDomain>> {
    return registryDomain(this.chain.chainId, await this.chain.contracts.registry.getAddress())
  }

  /**
   * Checks and keeps a commitment from a Result. Returns the evidence when it contradicts one
   * kept earlier for the same job and provider. Throws ValidationError for a bad commitment.
   * `onlyContradiction`: for results outside a live award (duplicates, late): store only evidence.
   */
  async observe(
    jobId: string,
    commitment: Uint8Array,
    signature: Uint8Array,
    provider?: string,
    options: { onlyContradiction?: boolean } = {},
  ): Promise<EquivocationEvidence | undefined> {
    const signed = verifyCommitment(await this.domain(), commitment, signature, {
      jobId,
      ...(provider !== undefined ? { provider } : {}),
    })
    const key = `c/${signed.commitment.jobId.toLowerCase()}/${signed.commitment.provider}`
    const earlier = (await this.db.get(key)) as SignedCommitment | undefined
    if (earlier === undefined) {
      // a stray result for a job we never kept a commitment of proves nothing: keep nothing
      if (options.onlyContradiction !== true) await this.put(key, signed)
      return undefined
    }
    if (!isEquivocation(earlier.commitment, signed.commitment)) return undefined
    const evidence: EquivocationEvidence = {
      jobId: signed.commitment.jobId.toLowerCase(),
      provider: signed.commitment.provider,
      a: earlier,
      b: signed,
      foundAt: this.now(),
    }
    await this.put(`e/${evidence.jobId}/${evidence.provider}`, evidence)
    log('provider %s signed two outputs for job %s: evidence stored', evidence.provider, evidence.jobId)
    return evidence
  }

  /** The first commitment kept for `jobId` from `provider`. */
  async commitment(jobId: string, provider: string): Promise<SignedCommitment | undefined> {
    const id = (jobId.startsWith('0x') ? jobId : `0x${jobId}`).toLowerCase()
    return (await this.db.get(`c/${id}/${getAddress(provider)}`)) as SignedCommitment | undefined
  }

  async list(): Promise<EquivocationEvidence[]> {
    const out: EquivocationEvidence[] = []
    for await (const [key, value] of this.db.iterator())
      if (key.startsWith('e/')) out.push(value as EquivocationEvidence)
    return out
  }

  /** Submits the evidence for `jobId` on chain; returns the transaction hash. */
  async slash(jobId: string): Promise<EquivocationEvidence> {
    const id = (jobId.startsWith('0x') ? jobId : `0x${jobId}`).toLowerCase()
    const found = (await this.list()).find((e) => e.jobId === id)
    if (found === undefined)
      throw new HiveError('NO_EVIDENCE', `no equivocation evidence for job ${jobId} on this node`, { jobId })
    if (found.slashTx !== undefined) return found
    const sender = this.chain.sender
    if (sender === undefined) throw new HiveError('NO_WALLET', 'submitting evidence needs the wallet unlocked', {})
    const registry = this.chain.contracts.registry
    const key = `e/${found.jobId}/${found.provider}`
    let current = found
    // a salt is drawn once and kept before committing, so a retry after a crash reuses it
    if (current.slashSalt === undefined) {
      current = { ...current, slashSalt: hexlify(randomBytes(32)) }
      await this.put(key, current)
    }
    const salt = current.slashSalt as string
    const commitment = slashCommitment(sender.address, found.provider, id, salt)
    if ((await registry.slashCommittedAt(sender.address, commitment)) === 0n) {
      // the commit's receipt is in a mined block, so the reveal below lands in a later one
      const committed = await sender.call(registry, 'commitSlash', [commitment], { label: 'commit slash' })
      current = { ...current, commitTx: committed.hash }
      await this.put(key, current)
    }
    const plain = (c: ResultCommitment): [string, string, string] => [c.jobId, getAddress(c.provider), c.outputHash]
    const args = [id, plain(found.a.commitment), found.a.signature, plain(found.b.commitment), found.b.signature, salt]
    const sent = await sender.call(registry, 'slashEquivocation', args, { label: 'slash equivocation' })
    const updated = { ...current, slashTx: sent.hash }
    await this.put(key, updated)
    return updated
  }

  private async put(key: string, value: unknown): Promise<void> {
    await this.putDurable(key, value)
  }
}
