// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVersioned} from "./IVersioned.sol";
import {HiveTypedData} from "../libraries/HiveTypedData.sol";

/**
 * @title IProviderRegistry
 * @notice Providers bond HIVE under their libp2p peer id to be eligible for jobs. Stake leaves
 * only through an unbonding period, during which it can still be slashed.
 */
interface IProviderRegistry is IVersioned {
    /// @notice None: nothing staked. Active: bonded >= the current minimum stake. Inactive: some
    /// stake, but below the minimum (or all of it unbonding). Slashed: punished; cannot stake again.
    enum ProviderStatus {
        None,
        Active,
        Inactive,
        Slashed
    }

    /// @notice Everything the registry knows about a provider.
    struct ProviderInfo {
        uint256 bonded;
        uint256 unbonding;
        uint64 unbondingEndsAt;
        bool slashed;
        bytes peerId;
    }

    /// @notice `provider` added `amount` to its bond, which is now `bonded`.
    event Staked(address indexed provider, uint256 amount, uint256 bonded);
    /// @notice `provider` bound the libp2p peer id `peerId` (replacing any earlier one).
    event PeerIdBound(address indexed provider, bytes32 indexed peerIdHash, bytes peerId);
    /// @notice `provider` no longer holds `peerIdHash` (it withdrew all its stake or rebound).
    event PeerIdUnbound(address indexed provider, bytes32 indexed peerIdHash);
    /// @notice `amount` moved from bonded to unbonding; all unbonding stake frees at `unbondingEndsAt`.
    event UnbondRequested(address indexed provider, uint256 amount, uint256 unbonding, uint64 unbondingEndsAt);
    /// @notice `provider` withdrew `amount` of unbonded stake.
    event Withdrawn(address indexed provider, uint256 amount);
    /// @notice `amount` of `provider`'s stake was taken: `reporterReward` to `reporter`, the rest to the treasury.
    event Slashed(
        address indexed provider,
        bytes32 indexed reason,
        uint256 amount,
        address reporter,
        uint256 reporterReward
    );
    /// @notice `reporter` committed to slashing evidence it reveals later (see commitSlash).
    event SlashCommitted(address indexed reporter, bytes32 indexed commitment);
    /// @notice `provider` signed two different outputs for job `jobId`.
    event EquivocationProven(
        address indexed provider,
        bytes32 indexed jobId,
        bytes32 outputHashA,
        bytes32 outputHashB,
        address indexed reporter
    );

    /// @notice `provider` made `signer` accountable for its result commitments, for good (see authorizeSigner).
    event SignerAuthorized(address indexed provider, address indexed signer);

    /// @notice Staking or withdrawing zero.
    error ProviderRegistryZeroAmount();
    /// @notice A peer id must be 1 to 64 bytes (a libp2p peer id multihash is 34 to 39).
    error ProviderRegistryInvalidPeerId(uint256 length);
    /// @notice The peer id is bound to another provider.
    error ProviderRegistryPeerIdTaken(bytes32 peerIdHash, address owner);
    /// @notice `stake` named a peer id other than the bound one; use `setPeerId` to change it.
    error ProviderRegistryPeerIdMismatch(address provider);
    /// @notice The first stake must name a peer id.
    error ProviderRegistryPeerIdRequired(address provider);
    /// @notice The caller has no peer id bound (it never staked, or withdrew everything).
    error ProviderRegistryNotRegistered(address provider);
    /// @notice After staking, the bond would be `bonded`, below the minimum `minStake`.
    error ProviderRegistryBelowMinimumStake(uint256 bonded, uint256 minStake);
    /// @notice A slashed provider cannot stake or rebind.
    error ProviderRegistryProviderSlashed(address provider);
    /// @notice Unbonding `amount` exceeds the bonded `bonded`.
    error ProviderRegistryInsufficientBond(uint256 amount, uint256 bonded);
    /// @notice Nothing is unbonding.
    error ProviderRegistryNothingToWithdraw(address provider);
    /// @notice The unbonding period ends at `unbondingEndsAt`.
    error ProviderRegistryStillUnbonding(uint64 unbondingEndsAt, uint256 now);
    /// @notice `provider` has no stake to slash.
    error ProviderRegistryNothingToSlash(address provider);
    /// @notice A slash of `amount` exceeds the provider's total stake `total`.
    error ProviderRegistrySlashTooLarge(uint256 amount, uint256 total);
    /// @notice The two commitments are not an equivocation (different job or provider, or same output).
    error ProviderRegistryNotEquivocation(bytes32 jobId);
    /// @notice A commitment's signature is not the provider's.
    error ProviderRegistryInvalidSignature(address provider);
    /// @notice This equivocation was punished already.
    error ProviderRegistryAlreadyPunished(address provider, bytes32 jobId);
    /// @notice `reporter` revealed without having committed `commitment` in an earlier block.
    error ProviderRegistrySlashNotCommitted(address reporter, bytes32 commitment);
    /// @notice A contract account stakes only after authorizing an ECDSA signer (authorizeSigner).
    error ProviderRegistrySignerRequired(address provider);
    /// @notice The zero address cannot sign.
    error ProviderRegistryInvalidSigner();

    /// @notice Adds `amount` HIVE to the caller's bond (pulled with transferFrom). The first stake
    /// binds `peerId`; later stakes pass the same peer id or an empty one. The bond afterwards
    /// must reach the minimum stake.
    function stake(uint256 amount, bytes calldata peerId) external;

    /// @notice Binds the caller to a new peer id (e.g. after rotating its libp2p key).
    function setPeerId(bytes calldata peerId) external;

    /// @notice Starts unbonding `amount` of the caller's bond; the whole unbonding balance frees
    /// one unbonding period from now (a later request restarts the period).
    function requestUnbond(uint256 amount) external;

    /// @notice Transfers the caller's unbonded stake to it once the unbonding period has passed.
    function withdraw() external;

    /// @notice Governance (the owner, i.e. the timelock) takes `amount` of `provider`'s stake,
    /// bonded first, then unbonding, to the treasury, and marks the provider slashed.
    function slash(address provider, uint256 amount, bytes32 reason) external;

    /// @notice First half of reporting an equivocation: commit to
    /// `slashCommitment(msg.sender, provider, jobId, salt)`, which reveals neither the evidence nor
    /// whom it accuses. The reveal (`slashEquivocation`) counts only in a later block, so a copy
    /// of the reveal from the mempool cannot use a commitment made after it was seen.
    function commitSlash(bytes32 commitment) external;

    /// @notice The commitment `reporter` makes before revealing evidence against `provider`.
    function slashCommitment(address reporter, address provider, bytes32 jobId, bytes32 salt) external pure returns (bytes32);

    /// @notice Block in which `reporter` committed `commitment` (0: never, or already revealed).
    function slashCommittedAt(address reporter, bytes32 commitment) external view returns (uint256);

    /// @notice Anyone who committed earlier (commitSlash) proves that a provider signed two
    /// different outputs for job `jobId`; the provider loses `equivocationSlashBps` of its stake,
    /// of which the caller receives `reporterShareBps` and the treasury the rest. The reward is
    /// bound to the caller's own earlier commitment, so copying this transaction pays nothing.
    function slashEquivocation(
        bytes32 jobId,
        HiveTypedData.ResultCommitment calldata commitmentA,
        bytes calldata signatureA,
        HiveTypedData.ResultCommitment calldata commitmentB,
        bytes calldata signatureB,
        bytes32 salt
    ) external;

    /// @notice Full record of `provider`.
    function providerInfo(address provider) external view returns (ProviderInfo memory);

    /// @notice Status of `provider`, judged against the current minimum stake.
    function statusOf(address provider) external view returns (ProviderStatus);

    /// @notice Bonded stake of `provider` (excluding unbonding stake).
    function stakeOf(address provider) external view returns (uint256);

    /// @notice The provider bound to `peerId` (zero if none).
    function providerOfPeerId(bytes calldata peerId) external view returns (address);

    /// @notice Provider, status and bonded stake for a peer id.
    function statusOfPeerId(
        bytes calldata peerId
    ) external view returns (address provider, ProviderStatus status, uint256 bonded);

    /// @notice True if `provider` was already punished for equivocating on `jobId`.
    function isEquivocationPunished(address provider, bytes32 jobId) external view returns (bool);

    /// @notice The EIP-712 digest of `commitment` under this registry's domain.
    function hashResultCommitment(HiveTypedData.ResultCommitment calldata commitment) external view returns (bytes32);

    /// @notice Makes `signer` (an ECDSA key) accountable for the caller's result commitments: at
    /// slash time a commitment signed by it counts as the caller's, whatever the caller's own
    /// ERC-1271 answer is by then. Irrevocable, so that a contract wallet cannot disown what it
    /// signed; a contract account must authorize one before it stakes.
    function authorizeSigner(address signer) external;

    /// @notice True if `signer` was authorized by `provider` (authorizeSigner).
    function isAuthorizedSigner(address provider, address signer) external view returns (bool);
}
