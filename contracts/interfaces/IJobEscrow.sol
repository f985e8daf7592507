// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICreditLedger} from "./ICreditLedger.sol";
import {IVersioned} from "./IVersioned.sol";

/**
 * @title IJobEscrow
 * @notice One job, one deposit, one named provider. An escrow is identified by
 * `escrowId = keccak256(abi.encode(jobId, requester, provider))`: a job re-awarded to another
 * provider, or run by k providers, gets one escrow each, and nobody can take a requester's id
 * by creating it first.
 *
 * Lifecycle: `create` -> (provider) `commitResult` by the deadline -> `release` (requester or
 * its signature) at any time, or `claim` by the provider after deadline + challenge window;
 * `refund` after the deadline when no result was committed, or `cancel` by the requester at any
 * time before a result is committed (its award was revoked: docs/reaward.md); `dispute` by the requester within
 * the challenge window, paying the dispute bond, then `resolve` by the arbiter within the
 * arbitration window (or `release` by the requester), else `claim` by the provider after it.
 * Every payout is a credit its owner withdraws (ICreditLedger).
 */
interface IJobEscrow is IVersioned, ICreditLedger {
    enum EscrowStatus {
        None,
        Active,
        Disputed,
        Released,
        Claimed,
        Refunded,
        Resolved
    }

    /// @notice A full escrow record. `challengeWindow` and `feeBps` are fixed at creation.
    // solhint-disable-next-line gas-struct-packing
    struct EscrowView {
        address requester;
        address provider;
        IERC20 token;
        uint256 amount;
        uint64 deadline;
        uint32 challengeWindow;
        uint16 feeBps;
        EscrowStatus status;
        uint64 committedAt;
        bytes32 resultHash;
        /// @notice what a dispute costs the requester, in `token` (fixed at creation)
        uint256 disputeBond;
        /// @notice seconds the arbiter has to rule after a dispute (fixed at creation)
        uint32 arbitrationWindow;
        /// @notice when the requester disputed (0: never)
        uint64 disputedAt;
    }

    /// @notice Reputation counters of a provider.
    struct ProviderStats {
        uint64 completed;
        uint64 disputesLost;
    }

    event EscrowCreated(
        bytes32 indexed escrowId,
        bytes32 indexed jobId,
        address indexed requester,
        address provider,
        IERC20 token,
        uint256 amount,
        uint64 deadline,
        uint32 challengeWindow,
        uint16 feeBps
    );
    /// @notice The provider committed `resultHash` on-chain; refund is no longer possible.
    event ResultCommitted(bytes32 indexed escrowId, bytes32 resultHash);
    /// @notice The requester accepted `resultHash`; the provider got `payout`, the treasury `fee`.
    event EscrowReleased(bytes32 indexed escrowId, bytes32 resultHash, uint256 payout, uint256 fee);
    /// @notice The provider claimed after the challenge window.
    event EscrowClaimed(bytes32 indexed escrowId, uint256 payout, uint256 fee);
    /// @notice The requester got its deposit back: no result was committed by the deadline.
    event EscrowRefunded(bytes32 indexed escrowId, uint256 amount);
    /// @notice The requester withdrew the award before any result was committed: the deposit is
    /// back with the requester (status Refunded; EscrowRefunded is emitted too).
    event EscrowCancelled(bytes32 indexed escrowId, uint256 amount);
    /// @notice What a dispute of this escrow will cost and how long the arbiter will have.
    event DisputeTermsSet(bytes32 indexed escrowId, uint256 disputeBond, uint32 arbitrationWindow);
    /// @notice The requester disputed the committed result, paying `bond`; the arbiter may rule
    /// until `arbitrationEndsAt`, then the provider may claim.
    event EscrowDisputed(bytes32 indexed escrowId, uint256 bond, uint256 arbitrationEndsAt);
    /// @notice The arbiter split the deposit: `payout` + `fee` for the provider's side, `refund` to the requester.
    event DisputeResolved(bytes32 indexed escrowId, address indexed arbiter, uint256 payout, uint256 fee, uint256 refund);

    error JobEscrowZeroAmount();
    error JobEscrowInvalidProvider(address provider);
    error JobEscrowDeadlineInPast(uint64 deadline, uint256 now);
    error JobEscrowAlreadyExists(bytes32 escrowId);
    /// @notice The escrow is in `status`, which does not allow this operation (None: no such escrow).
    error JobEscrowWrongStatus(bytes32 escrowId, EscrowStatus status);
    /// @notice `caller` may not do this on this escrow.
    error JobEscrowUnauthorized(bytes32 escrowId, address caller);
    error JobEscrowZeroResultHash();
    /// @notice Too late: the deadline `deadline` has passed.
    error JobEscrowDeadlinePassed(bytes32 escrowId, uint64 deadline, uint256 now);
    /// @notice Too early: the deadline `deadline` has not passed.
    error JobEscrowDeadlineNotPassed(bytes32 escrowId, uint64 deadline, uint256 now);
    error JobEscrowResultAlreadyCommitted(bytes32 escrowId, bytes32 resultHash);
    error JobEscrowNoResultCommitted(bytes32 escrowId);
    /// @notice Too early to claim: the challenge window ends at `endsAt`.
    error JobEscrowChallengeWindowOpen(bytes32 escrowId, uint256 endsAt, uint256 now);
    /// @notice Too late to dispute: the challenge window ended at `endsAt`.
    error JobEscrowChallengeWindowClosed(bytes32 escrowId, uint256 endsAt, uint256 now);
    /// @notice Too early to claim a disputed escrow: the arbiter may rule until `endsAt`.
    error JobEscrowArbitrationWindowOpen(bytes32 escrowId, uint256 endsAt, uint256 now);
    /// @notice Too late to rule: the arbitration window ended at `endsAt` (the provider may claim).
    error JobEscrowArbitrationWindowClosed(bytes32 escrowId, uint256 endsAt, uint256 now);
    /// @notice The release signature is not the requester's.
    error JobEscrowInvalidSignature(bytes32 escrowId, address requester);
    /// @notice The arbiter cannot award more than the deposit.
    error JobEscrowAmountTooLarge(uint256 payout, uint256 amount);
    /// @notice The token delivered `received` instead of `expected` (fee-on-transfer tokens are unsupported).
    error JobEscrowUnsupportedToken(IERC20 token, uint256 expected, uint256 received);

    /// @notice Deposits `amount` of `token` for `provider` to run job `jobId` by `deadline`.
    /// The caller is the requester. Returns the escrow id.
    function create(
        bytes32 jobId,
        address provider,
        IERC20 token,
        uint256 amount,
        uint64 deadline
    ) external returns (bytes32 escrowId);

    /// @notice The provider commits the hash of its result (by the deadline), which rules out a refund.
    function commitResult(bytes32 escrowId, bytes32 resultHash) external;

    /// @notice The requester accepts `resultHash` and pays the provider (minus the protocol fee).
    /// Also ends a dispute in the provider's favour (the bond goes to the provider).
    function release(bytes32 escrowId, bytes32 resultHash) external;

    /// @notice Anyone submits the requester's EIP-712 `Release(jobId, provider, resultHash)` signature.
    function releaseWithSignature(
        bytes32 jobId,
        address requester,
        address provider,
        bytes32 resultHash,
        bytes calldata signature
    ) external;

    /// @notice The provider takes the deposit after deadline + challenge window, if it committed a
    /// result and the requester did not dispute; or, after a dispute the arbiter left unresolved
    /// for the whole arbitration window, the deposit and the bond.
    function claim(bytes32 escrowId) external;

    /// @notice The requester takes its deposit back after the deadline when no result was committed.
    function refund(bytes32 escrowId) external;

    /// @notice The requester takes its deposit back at once, before the deadline, while no result
    /// is committed: it revoked the provider's award (a dead or silent provider, docs/reaward.md).
    /// After this the provider can neither commit nor claim. A provider that committed first
    /// keeps the usual rules (the cancel reverts; the requester may dispute).
    function cancel(bytes32 escrowId) external;

    /// @notice The requester disputes the committed result, until deadline + challenge window,
    /// paying the escrow's dispute bond (pulled with transferFrom, in the escrow's token).
    function dispute(bytes32 escrowId) external;

    /// @notice The arbiter (from ProtocolParams), within the arbitration window, awards `payout`
    /// (before fee) to the provider and the rest to the requester. A provider awarded less than the
    /// deposit loses the dispute and the bond returns to the requester; otherwise the provider
    /// gets the bond.
    function resolve(bytes32 escrowId, uint256 payout) external;

    /// @notice The escrow record (status None if it does not exist).
    function escrow(bytes32 escrowId) external view returns (EscrowView memory);

    /// @notice Completed jobs and lost disputes of `provider`.
    function providerStats(address provider) external view returns (ProviderStats memory);

    /// @notice `keccak256(abi.encode(jobId, requester, provider))`.
    function escrowIdOf(bytes32 jobId, address requester, address provider) external pure returns (bytes32);

    /// @notice The EIP-712 digest a requester signs to release `(jobId, provider, resultHash)`.
    function hashRelease(bytes32 jobId, address provider, bytes32 resultHash) external view returns (bytes32);
}
