// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {IProtocolParams} from "../interfaces/IProtocolParams.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";
import {HiveTypedData} from "../libraries/HiveTypedData.sol";
import {TokenPull} from "../libraries/TokenPull.sol";

/**
 * @title JobEscrow
 * @notice Per-job escrow in any ERC20: the requester's deposit goes to the provider on release
 * (or on claim after an undisputed challenge window), back to the requester when no result was
 * committed by the deadline, or is split by the arbiter after a dispute.
 * @dev The challenge window and fee are read from ProtocolParams when an escrow is created and
 * fixed for its life: governance changes apply to new deals, never to a deal in progress. The
 * treasury and arbiter are read when used. Records are never deleted, so an escrow id (and any
 * release signature for it) can be used once only.
 */
contract JobEscrow is IJobEscrow, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using HiveTypedData for HiveTypedData.Release;

    uint256 private constant _BPS = 10_000;

    struct Escrow {
        address requester;
        uint64 deadline;
        uint32 challengeWindow;
        address provider;
        uint64 committedAt;
        uint16 feeBps;
        EscrowStatus status;
        IERC20 token;
        uint256 amount;
        bytes32 resultHash;
    }

    IProtocolParams private immutable _params;

    mapping(bytes32 escrowId => Escrow) private _escrows;
    mapping(address provider => ProviderStats) private _stats;

    constructor(IProtocolParams params_) EIP712("HiveJobEscrow", "1") {
        _params = params_;
    }

    /// @inheritdoc IJobEscrow
    function create(
        bytes32 jobId,
        address provider,
        IERC20 token,
        uint256 amount,
        uint64 deadline
    ) external nonReentrant returns (bytes32 escrowId) {
        // Checks
        if (provider == address(0) || provider == msg.sender) revert JobEscrowInvalidProvider(provider);
        if (amount == 0) revert JobEscrowZeroAmount();
        if (deadline <= block.timestamp) revert JobEscrowDeadlineInPast(deadline, block.timestamp);
        escrowId = escrowIdOf(jobId, msg.sender, provider);
        Escrow storage e = _escrows[escrowId];
        if (e.status != EscrowStatus.None) revert JobEscrowAlreadyExists(escrowId);
        // Bounded by ProtocolParams: at most 30 days and 1,000 bps.
        uint32 window = uint32(_params.escrowChallengeWindow());
        uint16 feeBps = uint16(_params.protocolFeeBps());
        // Effects
        e.requester = msg.sender;
        e.deadline = deadline;
        e.challengeWindow = window;
        e.provider = provider;
        e.feeBps = feeBps;
        e.status = EscrowStatus.Active;
        e.token = token;
        e.amount = amount;
        emit EscrowCreated(escrowId, jobId, msg.sender, provider, token, amount, deadline, window, feeBps);
        // Interactions
        uint256 received = TokenPull.pull(token, msg.sender, amount);
        if (received != amount) revert JobEscrowUnsupportedToken(token, amount, received);
    }

    /// @inheritdoc IJobEscrow
    function commitResult(bytes32 escrowId, bytes32 resultHash) external {
        Escrow storage e = _escrows[escrowId];
        _checkStatus(escrowId, e, EscrowStatus.Active);
        if (msg.sender != e.provider) revert JobEscrowUnauthorized(escrowId, msg.sender);
        if (resultHash == bytes32(0)) revert JobEscrowZeroResultHash();
        if (e.committedAt != 0) revert JobEscrowResultAlreadyCommitted(escrowId, e.resultHash);
        if (block.timestamp > e.deadline) revert JobEscrowDeadlinePassed(escrowId, e.deadline, block.timestamp);
        e.resultHash = resultHash;
        e.committedAt = uint64(block.timestamp);
        emit ResultCommitted(escrowId, resultHash);
    }

    /// @inheritdoc IJobEscrow
    function release(bytes32 escrowId, bytes32 resultHash) external nonReentrant {
        Escrow storage e = _escrows[escrowId];
        _checkReleasable(escrowId, e);
        if (msg.sender != e.requester) revert JobEscrowUnauthorized(escrowId, msg.sender);
        _release(escrowId, e, resultHash);
    }

    /// @inheritdoc IJobEscrow
    function releaseWithSignature(
        bytes32 jobId,
        address requester,
        address provider,
        bytes32 resultHash,
        bytes calldata signature
    ) external nonReentrant {
        bytes32 escrowId = escrowIdOf(jobId, requester, provider);
        Escrow storage e = _escrows[escrowId];
        _checkReleasable(escrowId, e);
        bytes32 digest = hashRelease(jobId, provider, resultHash);
        if (!SignatureChecker.isValidSignatureNowCalldata(requester, digest, signature)) {
            revert JobEscrowInvalidSignature(escrowId, requester);
        }
        _release(escrowId, e, resultHash);
    }

    /// @inheritdoc IJobEscrow
    function claim(bytes32 escrowId) external nonReentrant {
        Escrow storage e = _escrows[escrowId];
        // Checks
        _checkStatus(escrowId, e, EscrowStatus.Active);
        if (msg.sender != e.provider) revert JobEscrowUnauthorized(escrowId, msg.sender);
        if (e.committedAt == 0) revert JobEscrowNoResultCommitted(escrowId);
        uint256 endsAt = _challengeEndsAt(e);
        if (block.timestamp <= endsAt) revert JobEscrowChallengeWindowOpen(escrowId, endsAt, block.timestamp);
        // Effects
        e.status = EscrowStatus.Claimed;
        ++_stats[e.provider].completed;
        (uint256 payout, uint256 fee) = _split(e.amount, e.feeBps);
        emit EscrowClaimed(escrowId, payout, fee);
        // Interactions
        _pay(e.token, e.provider, payout, fee);
    }

    /// @inheritdoc IJobEscrow
    function refund(bytes32 escrowId) external nonReentrant {
        Escrow storage e = _escrows[escrowId];
        // Checks
        _checkStatus(escrowId, e, EscrowStatus.Active);
        if (msg.sender != e.requester) revert JobEscrowUnauthorized(escrowId, msg.sender);
        if (e.committedAt != 0) revert JobEscrowResultAlreadyCommitted(escrowId, e.resultHash);
        if (block.timestamp <= e.deadline) revert JobEscrowDeadlineNotPassed(escrowId, e.deadline, block.timestamp);
        // Effects
        e.status = EscrowStatus.Refunded;
        emit EscrowRefunded(escrowId, e.amount);
        // Interactions
        e.token.safeTransfer(e.requester, e.amount);
    }

    /// @inheritdoc IJobEscrow
    function dispute(bytes32 escrowId) external {
        Escrow storage e = _escrows[escrowId];
        _checkStatus(escrowId, e, EscrowStatus.Active);
        if (msg.sender != e.requester) revert JobEscrowUnauthorized(escrowId, msg.sender);
        if (e.committedAt == 0) revert JobEscrowNoResultCommitted(escrowId);
        uint256 endsAt = _challengeEndsAt(e);
        if (block.timestamp > endsAt) revert JobEscrowChallengeWindowClosed(escrowId, endsAt, block.timestamp);
        e.status = EscrowStatus.Disputed;
        emit EscrowDisputed(escrowId);
    }

    /// @inheritdoc IJobEscrow
    function resolve(bytes32 escrowId, uint256 payout) external nonReentrant {
        Escrow storage e = _escrows[escrowId];
        // Checks
        _checkStatus(escrowId, e, EscrowStatus.Disputed);
        if (msg.sender != _params.arbiter()) revert JobEscrowUnauthorized(escrowId, msg.sender);
        uint256 amount = e.amount;
        if (payout > amount) revert JobEscrowAmountTooLarge(payout, amount);
        // Effects
        e.status = EscrowStatus.Resolved;
        if (payout == amount) ++_stats[e.provider].completed;
        else ++_stats[e.provider].disputesLost;
        (uint256 net, uint256 fee) = _split(payout, e.feeBps);
        emit DisputeResolved(escrowId, msg.sender, net, fee, amount - payout);
        // Interactions
        _pay(e.token, e.provider, net, fee);
        if (amount != payout) e.token.safeTransfer(e.requester, amount - payout);
    }

    /// @inheritdoc IJobEscrow
    function escrow(bytes32 escrowId) external view returns (EscrowView memory) {
        Escrow storage e = _escrows[escrowId];
        return
            EscrowView({
                requester: e.requester,
                provider: e.provider,
                token: e.token,
                amount: e.amount,
                deadline: e.deadline,
                challengeWindow: e.challengeWindow,
                feeBps: e.feeBps,
                status: e.status,
                committedAt: e.committedAt,
                resultHash: e.resultHash
            });
    }

    /// @inheritdoc IJobEscrow
    function providerStats(address provider) external view returns (ProviderStats memory) {
        return _stats[provider];
    }

    /// @notice The ProtocolParams read by this escrow.
    function params() external view returns (IProtocolParams) {
        return _params;
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-escrow/1";
    }

    /// @inheritdoc IJobEscrow
    function escrowIdOf(bytes32 jobId, address requester, address provider) public pure returns (bytes32) {
        return keccak256(abi.encode(jobId, requester, provider));
    }

    /// @inheritdoc IJobEscrow
    function hashRelease(bytes32 jobId, address provider, bytes32 resultHash) public view returns (bytes32) {
        return _hashTypedDataV4(HiveTypedData.Release(jobId, provider, resultHash).hash());
    }

    function _release(bytes32 escrowId, Escrow storage e, bytes32 resultHash) private {
        if (resultHash == bytes32(0)) revert JobEscrowZeroResultHash();
        // Effects
        e.status = EscrowStatus.Released;
        e.resultHash = resultHash;
        ++_stats[e.provider].completed;
        (uint256 payout, uint256 fee) = _split(e.amount, e.feeBps);
        emit EscrowReleased(escrowId, resultHash, payout, fee);
        // Interactions
        _pay(e.token, e.provider, payout, fee);
    }

    function _pay(IERC20 token, address provider, uint256 payout, uint256 fee) private {
        if (payout != 0) token.safeTransfer(provider, payout);
        if (fee != 0) token.safeTransfer(_params.treasury(), fee);
    }

    function _checkStatus(bytes32 escrowId, Escrow storage e, EscrowStatus expected) private view {
        if (e.status != expected) revert JobEscrowWrongStatus(escrowId, e.status);
    }

    function _checkReleasable(bytes32 escrowId, Escrow storage e) private view {
        if (e.status != EscrowStatus.Active && e.status != EscrowStatus.Disputed) {
            revert JobEscrowWrongStatus(escrowId, e.status);
        }
    }

    function _challengeEndsAt(Escrow storage e) private view returns (uint256) {
        return uint256(e.deadline) + e.challengeWindow;
    }

    function _split(uint256 gross, uint16 feeBps) private pure returns (uint256 net, uint256 fee) {
        fee = (gross * feeBps) / _BPS;
        net = gross - fee;
    }
}
