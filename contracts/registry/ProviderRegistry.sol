// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IProtocolParams} from "../interfaces/IProtocolParams.sol";
import {IProviderRegistry} from "../interfaces/IProviderRegistry.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";
import {HiveTypedData} from "../libraries/HiveTypedData.sol";

/**
 * @title ProviderRegistry
 * @notice HIVE stake bound to a libp2p peer id, with unbonding, governance slashing and slashing
 * on proof of equivocation. Owned by the timelock; parameters come from ProtocolParams.
 * @dev Peer ids are first come, first served: a squatter can hold a peer id only by locking at
 * least the minimum stake, which governance can slash. Nodes must still check that the address
 * in a peer's signed HardwareProfile is the one registered here.
 */
contract ProviderRegistry is IProviderRegistry, Ownable, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using HiveTypedData for HiveTypedData.ResultCommitment;

    bytes32 private constant _EQUIVOCATION = "equivocation";
    uint256 private constant _BPS = 10_000;
    uint256 private constant _MAX_PEER_ID_LENGTH = 64;

    struct Provider {
        uint128 bonded;
        uint128 unbonding;
        uint64 unbondingEndsAt;
        bool slashed;
        bytes peerId;
    }

    IERC20 private immutable _token;
    IProtocolParams private immutable _params;

    mapping(address provider => Provider) private _providers;
    mapping(bytes32 peerIdHash => address provider) private _peerOwners;
    mapping(bytes32 providerJobKey => bool) private _punished;
    // Slashing commitments per reporter and the block each was made in: the reward for a reveal
    // goes only to a caller that committed to it before, so front-running the reveal gains nothing.
    mapping(address reporter => mapping(bytes32 commitment => uint256 blockNumber)) private _slashCommits;
    // ECDSA keys a provider made accountable for its commitments. A contract wallet's ERC-1271
    // answer can change between signing and slashing; an authorized key's signature cannot be
    // disowned, so contract accounts must authorize one before they stake. Never revoked.
    mapping(address provider => mapping(address signer => bool)) private _signers;
    mapping(address provider => bool) private _hasSigner;

    constructor(
        IERC20 token_,
        IProtocolParams params_,
        address initialOwner
    ) Ownable(initialOwner) EIP712("HiveProviderRegistry", "1") {
        _token = token_;
        _params = params_;
    }

    /// @inheritdoc IProviderRegistry
    function stake(uint256 amount, bytes calldata peerId) external nonReentrant {
        Provider storage p = _providers[msg.sender];
        // Checks
        if (p.slashed) revert ProviderRegistryProviderSlashed(msg.sender);
        if (amount == 0) revert ProviderRegistryZeroAmount();
        if (msg.sender.code.length != 0 && !_hasSigner[msg.sender]) revert ProviderRegistrySignerRequired(msg.sender);
        bool bind = p.peerId.length == 0;
        if (bind) {
            if (peerId.length == 0) revert ProviderRegistryPeerIdRequired(msg.sender);
        } else if (peerId.length != 0 && keccak256(peerId) != keccak256(p.peerId)) {
            revert ProviderRegistryPeerIdMismatch(msg.sender);
        }
        uint256 bonded = p.bonded + amount;
        uint256 minStake = _params.minProviderStake();
        if (bonded < minStake) revert ProviderRegistryBelowMinimumStake(bonded, minStake);
        // Effects
        if (bind) _bindPeerId(msg.sender, p, peerId);
        p.bonded = bonded.toUint128();
        emit Staked(msg.sender, amount, bonded);
        // Interactions
        _token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IProviderRegistry
    function authorizeSigner(address signer) external {
        if (signer == address(0)) revert ProviderRegistryInvalidSigner();
        _signers[msg.sender][signer] = true;
        _hasSigner[msg.sender] = true;
        emit SignerAuthorized(msg.sender, signer);
    }

    /// @inheritdoc IProviderRegistry
    function isAuthorizedSigner(address provider, address signer) external view returns (bool) {
        return _signers[provider][signer];
    }

    /// @inheritdoc IProviderRegistry
    function setPeerId(bytes calldata peerId) external {
        Provider storage p = _providers[msg.sender];
        if (p.slashed) revert ProviderRegistryProviderSlashed(msg.sender);
        if (p.peerId.length == 0) revert ProviderRegistryNotRegistered(msg.sender);
        _unbindPeerId(msg.sender, p);
        _bindPeerId(msg.sender, p, peerId);
    }

    /// @inheritdoc IProviderRegistry
    function requestUnbond(uint256 amount) external {
        Provider storage p = _providers[msg.sender];
        if (amount == 0) revert ProviderRegistryZeroAmount();
        if (amount > p.bonded) revert ProviderRegistryInsufficientBond(amount, p.bonded);
        uint256 unbonding = p.unbonding + amount;
        uint64 endsAt = (block.timestamp + _params.unbondingPeriod()).toUint64();
        p.bonded -= uint128(amount);
        p.unbonding = uint128(unbonding);
        p.unbondingEndsAt = endsAt;
        emit UnbondRequested(msg.sender, amount, unbonding, endsAt);
    }

    /// @inheritdoc IProviderRegistry
    function withdraw() external nonReentrant {
        Provider storage p = _providers[msg.sender];
        // Checks
        uint256 amount = p.unbonding;
        if (amount == 0) revert ProviderRegistryNothingToWithdraw(msg.sender);
        if (block.timestamp < p.unbondingEndsAt) revert ProviderRegistryStillUnbonding(p.unbondingEndsAt, block.timestamp);
        // Effects
        p.unbonding = 0;
        p.unbondingEndsAt = 0;
        // A slashed provider keeps its peer id bound, so that the peer stays marked.
        if (p.bonded == 0 && !p.slashed) _unbindPeerId(msg.sender, p);
        emit Withdrawn(msg.sender, amount);
        // Interactions
        _token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IProviderRegistry
    function slash(address provider, uint256 amount, bytes32 reason) external onlyOwner nonReentrant {
        if (amount == 0) revert ProviderRegistryZeroAmount();
        Provider storage p = _providers[provider];
        uint256 total = uint256(p.bonded) + p.unbonding;
        if (total == 0) revert ProviderRegistryNothingToSlash(provider);
        if (amount > total) revert ProviderRegistrySlashTooLarge(amount, total);
        _takeStake(p, amount);
        emit Slashed(provider, reason, amount, address(0), 0);
        _token.safeTransfer(_params.treasury(), amount);
    }

    /// @inheritdoc IProviderRegistry
    function commitSlash(bytes32 commitment) external {
        // The first commitment's block counts: committing again cannot move it later or earlier.
        if (_slashCommits[msg.sender][commitment] == 0) _slashCommits[msg.sender][commitment] = block.number;
        emit SlashCommitted(msg.sender, commitment);
    }

    /// @inheritdoc IProviderRegistry
    function slashCommitment(address reporter, address provider, bytes32 jobId, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(reporter, provider, jobId, salt));
    }

    /// @inheritdoc IProviderRegistry
    function slashCommittedAt(address reporter, bytes32 commitment) external view returns (uint256) {
        return _slashCommits[reporter][commitment];
    }

    /// @inheritdoc IProviderRegistry
    function slashEquivocation(
        bytes32 jobId,
        HiveTypedData.ResultCommitment calldata commitmentA,
        bytes calldata signatureA,
        HiveTypedData.ResultCommitment calldata commitmentB,
        bytes calldata signatureB,
        bytes32 salt
    ) external nonReentrant {
        // Checks
        address provider = _checkEquivocation(jobId, commitmentA, signatureA, commitmentB, signatureB);
        _useSlashCommitment(provider, jobId, salt);
        (uint256 amount, uint256 reward) = _equivocationAmounts(provider);
        // Effects
        _punished[keccak256(abi.encode(provider, jobId))] = true;
        _takeStake(_providers[provider], amount);
        emit EquivocationProven(provider, jobId, commitmentA.outputHash, commitmentB.outputHash, msg.sender);
        emit Slashed(provider, _EQUIVOCATION, amount, msg.sender, reward);
        // Interactions
        if (reward != 0) _token.safeTransfer(msg.sender, reward);
        if (amount != reward) _token.safeTransfer(_params.treasury(), amount - reward);
    }

    /// @inheritdoc IProviderRegistry
    function providerInfo(address provider) external view returns (ProviderInfo memory) {
        Provider storage p = _providers[provider];
        return ProviderInfo(p.bonded, p.unbonding, p.unbondingEndsAt, p.slashed, p.peerId);
    }

    /// @inheritdoc IProviderRegistry
    function statusOf(address provider) public view returns (ProviderStatus) {
        Provider storage p = _providers[provider];
        if (p.slashed) return ProviderStatus.Slashed;
        if (p.bonded == 0 && p.unbonding == 0) return ProviderStatus.None;
        return p.bonded >= _params.minProviderStake() ? ProviderStatus.Active : ProviderStatus.Inactive;
    }

    /// @inheritdoc IProviderRegistry
    function stakeOf(address provider) external view returns (uint256) {
        return _providers[provider].bonded;
    }

    /// @inheritdoc IProviderRegistry
    function providerOfPeerId(bytes calldata peerId) external view returns (address) {
        return _peerOwners[keccak256(peerId)];
    }

    /// @inheritdoc IProviderRegistry
    function statusOfPeerId(
        bytes calldata peerId
    ) external view returns (address provider, ProviderStatus status, uint256 bonded) {
        provider = _peerOwners[keccak256(peerId)];
        if (provider == address(0)) return (address(0), ProviderStatus.None, 0);
        return (provider, statusOf(provider), _providers[provider].bonded);
    }

    /// @inheritdoc IProviderRegistry
    function isEquivocationPunished(address provider, bytes32 jobId) external view returns (bool) {
        return _punished[keccak256(abi.encode(provider, jobId))];
    }

    /// @inheritdoc IProviderRegistry
    function hashResultCommitment(HiveTypedData.ResultCommitment calldata commitment) external view returns (bytes32) {
        return _hashTypedDataV4(commitment.hash());
    }

    /// @notice The HIVE token staked here.
    function token() external view returns (IERC20) {
        return _token;
    }

    /// @notice The ProtocolParams read at call time.
    function params() external view returns (IProtocolParams) {
        return _params;
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-registry/2";
    }

    /// The pair is an equivocation by one provider, signed by it, not punished yet; returns the provider.
    function _checkEquivocation(
        bytes32 jobId,
        HiveTypedData.ResultCommitment calldata commitmentA,
        bytes calldata signatureA,
        HiveTypedData.ResultCommitment calldata commitmentB,
        bytes calldata signatureB
    ) private view returns (address provider) {
        provider = commitmentA.provider;
        if (
            commitmentA.jobId != jobId ||
            commitmentB.jobId != jobId ||
            commitmentB.provider != provider ||
            commitmentA.outputHash == commitmentB.outputHash
        ) revert ProviderRegistryNotEquivocation(jobId);
        if (_punished[keccak256(abi.encode(provider, jobId))]) revert ProviderRegistryAlreadyPunished(provider, jobId);
        if (
            !_signedBy(provider, _hashTypedDataV4(commitmentA.hash()), signatureA) ||
            !_signedBy(provider, _hashTypedDataV4(commitmentB.hash()), signatureB)
        ) revert ProviderRegistryInvalidSignature(provider);
    }

    /// The provider's own signature (ECDSA for an EOA, ERC-1271 for a contract), or an ECDSA
    /// signature by a key it authorized: the latter holds whatever the wallet answers today.
    function _signedBy(address provider, bytes32 digest, bytes calldata signature) private view returns (bool) {
        if (SignatureChecker.isValidSignatureNowCalldata(provider, digest, signature)) return true;
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        return err == ECDSA.RecoverError.NoError && _signers[provider][signer];
    }

    /// What an equivocation takes from `provider`'s stake, and the reporter's share of it.
    function _equivocationAmounts(address provider) private view returns (uint256 amount, uint256 reward) {
        Provider storage p = _providers[provider];
        uint256 total = uint256(p.bonded) + p.unbonding;
        if (total == 0) revert ProviderRegistryNothingToSlash(provider);
        amount = (total * _params.equivocationSlashBps()) / _BPS;
        reward = (amount * _params.reporterShareBps()) / _BPS;
    }

    /// The commitment names the caller, so a copier's reveal hashes to a commitment it never made;
    /// one made in the reveal's own block does not count, as it could follow a reveal seen pending.
    function _useSlashCommitment(address provider, bytes32 jobId, bytes32 salt) private {
        bytes32 commitment = slashCommitment(msg.sender, provider, jobId, salt);
        uint256 committedAt = _slashCommits[msg.sender][commitment];
        if (committedAt == 0 || committedAt >= block.number) revert ProviderRegistrySlashNotCommitted(msg.sender, commitment);
        delete _slashCommits[msg.sender][commitment];
    }

    function _bindPeerId(address provider, Provider storage p, bytes calldata peerId) private {
        if (peerId.length == 0 || peerId.length > _MAX_PEER_ID_LENGTH) revert ProviderRegistryInvalidPeerId(peerId.length);
        bytes32 peerIdHash = keccak256(peerId);
        address owner = _peerOwners[peerIdHash];
        if (owner != address(0)) revert ProviderRegistryPeerIdTaken(peerIdHash, owner);
        _peerOwners[peerIdHash] = provider;
        p.peerId = peerId;
        emit PeerIdBound(provider, peerIdHash, peerId);
    }

    function _unbindPeerId(address provider, Provider storage p) private {
        bytes32 peerIdHash = keccak256(p.peerId);
        delete _peerOwners[peerIdHash];
        delete p.peerId;
        emit PeerIdUnbound(provider, peerIdHash);
    }

    /// @dev Takes bonded stake first: unbonding stake is what the provider is about to get back.
    function _takeStake(Provider storage p, uint256 amount) private {
        uint256 fromBonded = amount <= p.bonded ? amount : p.bonded;
        p.bonded -= uint128(fromBonded);
        p.unbonding -= uint128(amount - fromBonded);
        if (p.unbonding == 0) p.unbondingEndsAt = 0;
        p.slashed = true;
    }
}
