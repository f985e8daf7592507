// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {IProtocolParams} from "../interfaces/IProtocolParams.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";
import {CreditLedger} from "../libraries/CreditLedger.sol";
import {HiveTypedData} from "../libraries/HiveTypedData.sol";
import {TokenPull} from "../libraries/TokenPull.sol";

/**
 * @title JobEscrow
 * @notice Per-job escrow in any ERC20: the requester's deposit goes to the provider on release
 * (or on claim after an undisputed challenge window), back to the requester when no result was
 * committed by the deadline or when the requester cancels before any commitment (a revoked
 * award), or is split by the arbiter after a dispute.
 *
 * Disputes cost a bond and expire. The bond (a share of the deposit, rounded up) makes a
 * griefing dispute cost the griefer; the arbitration window bounds how long a dispute can freeze
 * the provider's pay. Rule when the arbiter does not rule in time: the provider may claim the
 * deposit and the bond, as if nobody had disputed. Why not refund the requester, as iExec does
 * after its final deadline? There, no result was proven by the deadline; here the provider
 * committed its result on chain by the deadline, and the dispute is the requester's claim that
 * it is wrong: the one who claims must get the arbiter to agree. The other default would let any
 * requester take back its payment by disputing whenever the arbiter is slow or absent.
 * Bond: back to the requester when the arbiter awards the provider less than the deposit;
 * otherwise (the arbiter sides fully with the provider, the requester releases after all, or the
 * window ends) the provider's, for the wait.
 *
 * Payouts are credits withdrawn by their owner (CreditLedger): a token that refuses one party
 * (treasury, requester) never stalls the others' settlement.
 * @dev The challenge window, arbitration window, bond and fee are read from ProtocolParams when an
 * escrow is created and fixed for its life: governance changes apply to new deals, never to a
 * deal in progress. The treasury and arbiter are read when used. Records are never deleted, so an
 * escrow id (and any release signature for it) can be used once only.
 */
contract JobEscrow is IJobEscrow, EIP712, CreditLedger {
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
        uint64 disputedAt;
        uint32 arbitrationWindow;
        uint256 amount;
        bytes32 resultHash;
        uint256 disputeBond;
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
        // Bounded by ProtocolParams: windows at most 30 days, fee at most 1,000 bps.
        uint32 window = uint32(_params.escrowChallengeWindow());
        uint16 feeBps = uint16(_params.protocolFeeBps());
        uint32 arbitrationWindow = uint32(_params.arbitrationWindow());
        uint256 bond = _bondOf(amount, _params.disputeBondBps());
        // Effects
        e.requester = msg.sender;
        e.deadline = deadline;
        e.challengeWindow = window;
        e.provider = provider;
        e.feeBps = feeBps;
        e.status = EscrowStatus.Active;
        e.token = token;
        e.arbitrationWindow = arbitrationWindow;
        e.amount = amount;
        e.disputeBond = bond;
        emit EscrowCreated(escrowId, jobId, msg.sender, provider, token, amount, deadline, window, feeBps);
        emit DisputeTermsSet(escrowId, bond, arbitrationWindow);
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
        if (e.status != EscrowStatus.Disputed) _checkStatus(escrowId, e, EscrowStatus.Active);
        if (msg.sender != e.provider) revert JobEscrowUnauthorized(escrowId, msg.sender);
        uint256 bond;
        if (e.status == EscrowStatus.Disputed) {
            // The arbiter did not rule in time: the committed result stands (see the contract notes).
            uint256 endsAt = _arbitrationEndsAt(e);
            if (block.timestamp <= endsAt) revert JobEscrowArbitrationWindowOpen(escrowId, endsAt, block.timestamp);
            bond = e.disputeBond;
        } else {
            if (e.committedAt == 0) revert JobEscrowNoResultCommitted(escrowId);
            uint256 endsAt = _challengeEndsAt(e);
            if (block.timestamp <= endsAt) revert JobEscrowChallengeWindowOpen(escrowId, endsAt, block.timestamp);
        }
        // Effects
        e.status = EscrowStatus.Claimed;
        ++_stats[e.provider].completed;
        (uint256 payout, uint256 fee) = _split(e.amount, e.feeBps);
        emit EscrowClaimed(escrowId, payout, fee);
        _pay(e.token, e.provider, payout + bond, fee);
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
        _credit(e.token, e.requester, e.amount);
    }

    /// @inheritdoc IJobEscrow
    /// @dev Why the provider is not wronged by a cancel at any time before its commitment: its
    /// output leaves only once the escrow is released for that output's hash (the node's fair
    /// exchange), so a requester that cancels gets nothing it could use; and a commitment, once on
    /// chain, shuts the cancel out. What a cancel can cost a provider is the compute it did not
    /// commit yet, as a revocation over the wire does.
    function cancel(bytes32 escrowId) external nonReentrant {
        Escrow storage e = _escrows[escrowId];
        // Checks
        _checkStatus(escrowId, e, EscrowStatus.Active);
        if (msg.sender != e.requester) revert JobEscrowUnauthorized(escrowId, msg.sender);
        if (e.committedAt != 0) revert JobEscrowResultAlreadyCommitted(escrowId, e.resultHash);
        // Effects
        e.status = EscrowStatus.Refunded;
        emit EscrowCancelled(escrowId, e.amount);
        emit EscrowRefunded(escrowId, e.amount);
        _credit(e.token, e.requester, e.amount);
    }

    /// @inheritdoc IJobEscrow
    function dispute(bytes32 escrowId) external nonReentrant {
        Escrow storage e = _escrows[escrowId];
        // Checks
        _checkStatus(escrowId, e, EscrowStatus.Active);
        if (msg.sender != e.requester) revert JobEscrowUnauthorized(escrowId, msg.sender);
        if (e.committedAt == 0) revert JobEscrowNoResultCommitted(escrowId);
        uint256 endsAt = _challengeEndsAt(e);
        if (block.timestamp > endsAt) revert JobEscrowChallengeWindowClosed(escrowId, endsAt, block.timestamp);
        // Effects
        e.status = EscrowStatus.Disputed;
        e.disputedAt = uint64(block.timestamp);
        uint256 bond = e.disputeBond;
        emit EscrowDisputed(escrowId, bond, _arbitrationEndsAt(e));
        // Interactions
        uint256 received = TokenPull.pull(e.token, msg.sender, bond);
        if (received != bond) revert JobEscrowUnsupportedToken(e.token, bond, received);
    }

    /// @inheritdoc IJobEscrow
    function resolve(bytes32 escrowId, uint256 payout) external nonReentrant {
        Escrow storage e = _escrows[escrowId];
        // Checks
        _checkStatus(escrowId, e, EscrowStatus.Disputed);
        if (msg.sender != _params.arbiter()) revert JobEscrowUnauthorized(escrowId, msg.sender);
        uint256 endsAt = _arbitrationEndsAt(e);
        if (block.timestamp > endsAt) revert JobEscrowArbitrationWindowClosed(escrowId, endsAt, block.timestamp);
        uint256 amount = e.amount;
        if (payout > amount) revert JobEscrowAmountTooLarge(payout, amount);
        // Effects
        e.status = EscrowStatus.Resolved;
        bool providerWon = payout == amount;
        if (providerWon) ++_stats[e.provider].completed;
        else ++_stats[e.provider].disputesLost;
        (uint256 net, uint256 fee) = _split(payout, e.feeBps);
        emit DisputeResolved(escrowId, msg.sender, net, fee, amount - payout);
        // The bond goes to whoever the ruling favours: the provider only if it won in full.
        uint256 bond = e.disputeBond;
        _pay(e.token, e.provider, providerWon ? net + bond : net, fee);
        _credit(e.token, e.requester, providerWon ? amount - payout : amount - payout + bond);
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
                resultHash: e.resultHash,
                disputeBond: e.disputeBond,
                arbitrationWindow: e.arbitrationWindow,
                disputedAt: e.disputedAt
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
        return "hive-escrow/3";
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
        // A requester that releases after disputing concedes: the bond is the provider's.
        uint256 bond = e.status == EscrowStatus.Disputed ? e.disputeBond : 0;
        // Effects
        e.status = EscrowStatus.Released;
        e.resultHash = resultHash;
        ++_stats[e.provider].completed;
        (uint256 payout, uint256 fee) = _split(e.amount, e.feeBps);
        emit EscrowReleased(escrowId, resultHash, payout, fee);
        _pay(e.token, e.provider, payout + bond, fee);
    }

    /// @dev Credits, never transfers: see CreditLedger.
    function _pay(IERC20 token, address provider, uint256 payout, uint256 fee) private {
        _credit(token, provider, payout);
        _credit(token, _params.treasury(), fee);
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

    function _arbitrationEndsAt(Escrow storage e) private view returns (uint256) {
        return uint256(e.disputedAt) + e.arbitrationWindow;
    }

    /// @dev Rounded up, so that no dispute is free (a 1-wei deposit still costs a 1-wei bond).
    function _bondOf(uint256 amount, uint256 bondBps) private pure returns (uint256) {
        return (amount * bondBps + _BPS - 1) / _BPS;
    }

    function _split(uint256 gross, uint16 feeBps) private pure returns (uint256 net, uint256 fee) {
        fee = (gross * feeBps) / _BPS;
        net = gross - fee;
    }
}
