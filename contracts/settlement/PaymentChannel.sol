// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IPaymentChannel} from "../interfaces/IPaymentChannel.sol";
import {IProtocolParams} from "../interfaces/IProtocolParams.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";
import {CreditLedger} from "../libraries/CreditLedger.sol";
import {HiveTypedData} from "../libraries/HiveTypedData.sol";
import {TokenPull} from "../libraries/TokenPull.sol";

/**
 * @title PaymentChannel
 * @notice Requester -> provider payment channels settled by EIP-712 vouchers (see IPaymentChannel).
 * @dev Channel ids embed the requester's channel counter ({Nonces}), so an id is never reused and
 * a voucher signed for one channel can never be redeemed in another. Records are kept after
 * closing (status Closed), so a closed channel cannot be settled twice. Settlement credits the
 * provider, the treasury and the requester, who each withdraw (CreditLedger): a requester whose
 * token refuses its refund cannot stop the provider's close.
 */
contract PaymentChannel is IPaymentChannel, EIP712, Nonces, CreditLedger {
    using HiveTypedData for HiveTypedData.Voucher;
    using HiveTypedData for HiveTypedData.CooperativeClose;

    uint256 private constant _BPS = 10_000;

    IProtocolParams private immutable _params;

    mapping(bytes32 channelId => Channel) private _channels;

    constructor(IProtocolParams params_) EIP712("HivePaymentChannel", "1") {
        _params = params_;
    }

    /// @inheritdoc IPaymentChannel
    function open(
        address provider,
        IERC20 token,
        uint256 amount,
        uint64 expiry
    ) external nonReentrant returns (bytes32 channelId) {
        return _open(provider, token, amount, expiry);
    }

    /// @inheritdoc IPaymentChannel
    function openWithPermit(
        address provider,
        IERC20 token,
        uint256 amount,
        uint64 expiry,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (bytes32 channelId) {
        // A front-runner may submit the same permit first; the allowance is then already in place
        // and the transferFrom below decides (SWC-114).
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, permitDeadline, v, r, s) {} catch {}
        return _open(provider, token, amount, expiry);
    }

    /// @inheritdoc IPaymentChannel
    function topUp(bytes32 channelId, uint256 amount) external nonReentrant {
        Channel storage ch = _channels[channelId];
        // Checks
        _checkStatus(channelId, ch, ChannelStatus.Open);
        if (msg.sender != ch.requester) revert PaymentChannelUnauthorized(channelId, msg.sender);
        if (amount == 0) revert PaymentChannelZeroAmount();
        if (ch.expiry != 0 && block.timestamp >= ch.expiry) {
            revert PaymentChannelExpired(channelId, ch.expiry, block.timestamp);
        }
        // Effects
        uint256 deposit = ch.deposit + amount;
        ch.deposit = deposit;
        emit ChannelToppedUp(channelId, amount, deposit);
        // Interactions
        uint256 received = TokenPull.pull(ch.token, msg.sender, amount);
        if (received != amount) revert PaymentChannelUnsupportedToken(ch.token, amount, received);
    }

    /// @inheritdoc IPaymentChannel
    function closeWithVoucher(
        bytes32 channelId,
        uint256 cumulativeAmount,
        uint64 nonce,
        bytes calldata signature
    ) external nonReentrant {
        Channel storage ch = _channels[channelId];
        // Checks
        _checkClosable(channelId, ch);
        if (msg.sender != ch.provider) revert PaymentChannelUnauthorized(channelId, msg.sender);
        uint256 deadline = _closeDeadline(ch);
        if (block.timestamp >= deadline) revert PaymentChannelChallengeExpired(channelId, deadline, block.timestamp);
        _checkNonce(channelId, ch, nonce);
        bytes32 digest = hashVoucher(channelId, cumulativeAmount, nonce);
        if (!SignatureChecker.isValidSignatureNowCalldata(ch.requester, digest, signature)) {
            revert PaymentChannelInvalidSignature(channelId, ch.requester);
        }
        // Effects and interactions
        _settle(channelId, ch, cumulativeAmount, nonce);
    }

    /// @inheritdoc IPaymentChannel
    function startClose(bytes32 channelId) external {
        Channel storage ch = _channels[channelId];
        _checkStatus(channelId, ch, ChannelStatus.Open);
        if (msg.sender != ch.requester) revert PaymentChannelUnauthorized(channelId, msg.sender);
        uint256 closesAt = block.timestamp + ch.challengePeriod;
        uint256 expiryDeadline = _closeDeadline(ch);
        if (expiryDeadline < closesAt) closesAt = expiryDeadline;
        ch.closesAt = uint64(closesAt);
        ch.status = ChannelStatus.Closing;
        emit ChannelCloseStarted(channelId, uint64(closesAt));
    }

    /// @inheritdoc IPaymentChannel
    function finalize(bytes32 channelId) external nonReentrant {
        Channel storage ch = _channels[channelId];
        // Checks
        _checkClosable(channelId, ch);
        uint256 deadline = _closeDeadline(ch);
        if (block.timestamp < deadline) revert PaymentChannelChallengeNotOver(channelId, deadline, block.timestamp);
        // Effects and interactions
        _settle(channelId, ch, 0, 0);
    }

    /// @inheritdoc IPaymentChannel
    function cooperativeClose(
        bytes32 channelId,
        uint256 cumulativeAmount,
        uint64 nonce,
        bytes calldata requesterSignature,
        bytes calldata providerSignature
    ) external nonReentrant {
        Channel storage ch = _channels[channelId];
        // Checks
        _checkClosable(channelId, ch);
        _checkNonce(channelId, ch, nonce);
        bytes32 digest = hashCooperativeClose(channelId, cumulativeAmount, nonce);
        if (!SignatureChecker.isValidSignatureNowCalldata(ch.requester, digest, requesterSignature)) {
            revert PaymentChannelInvalidSignature(channelId, ch.requester);
        }
        if (!SignatureChecker.isValidSignatureNowCalldata(ch.provider, digest, providerSignature)) {
            revert PaymentChannelInvalidSignature(channelId, ch.provider);
        }
        // Effects and interactions
        _settle(channelId, ch, cumulativeAmount, nonce);
    }

    /// @inheritdoc IPaymentChannel
    function channel(bytes32 channelId) external view returns (Channel memory) {
        return _channels[channelId];
    }

    /// @inheritdoc IPaymentChannel
    function closeDeadline(bytes32 channelId) external view returns (uint256) {
        Channel storage ch = _channels[channelId];
        if (ch.status != ChannelStatus.Open && ch.status != ChannelStatus.Closing) return 0;
        uint256 deadline = _closeDeadline(ch);
        return deadline == type(uint256).max ? 0 : deadline;
    }

    /// @notice The ProtocolParams read by this contract.
    function params() external view returns (IProtocolParams) {
        return _params;
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-channel/2";
    }

    /// @inheritdoc IPaymentChannel
    function channelIdOf(
        address requester,
        address provider,
        IERC20 token,
        uint64 expiry,
        uint32 challengePeriod,
        uint16 feeBps,
        uint256 nonce
    ) public view returns (bytes32) {
        return
            keccak256(
                abi.encode(block.chainid, address(this), requester, provider, token, expiry, challengePeriod, feeBps, nonce)
            );
    }

    /// @inheritdoc IPaymentChannel
    function hashVoucher(bytes32 channelId, uint256 cumulativeAmount, uint64 nonce) public view returns (bytes32) {
        return _hashTypedDataV4(HiveTypedData.Voucher(channelId, cumulativeAmount, nonce).hash());
    }

    /// @inheritdoc IPaymentChannel
    function hashCooperativeClose(
        bytes32 channelId,
        uint256 cumulativeAmount,
        uint64 nonce
    ) public view returns (bytes32) {
        return _hashTypedDataV4(HiveTypedData.CooperativeClose(channelId, cumulativeAmount, nonce).hash());
    }

    function _open(address provider, IERC20 token, uint256 amount, uint64 expiry) private returns (bytes32 channelId) {
        // Checks
        if (provider == address(0) || provider == msg.sender) revert PaymentChannelInvalidProvider(provider);
        if (amount == 0) revert PaymentChannelZeroAmount();
        if (expiry != 0 && expiry <= block.timestamp) revert PaymentChannelInvalidExpiry(expiry, block.timestamp);
        // Bounded by ProtocolParams: at most 30 days and 1,000 bps.
        uint32 challengePeriod = uint32(_params.channelChallengePeriod());
        uint16 feeBps = uint16(_params.protocolFeeBps());
        // Effects
        uint256 nonce = _useNonce(msg.sender);
        channelId = channelIdOf(msg.sender, provider, token, expiry, challengePeriod, feeBps, nonce);
        Channel storage ch = _channels[channelId];
        ch.requester = msg.sender;
        ch.expiry = expiry;
        ch.challengePeriod = challengePeriod;
        ch.provider = provider;
        ch.feeBps = feeBps;
        ch.status = ChannelStatus.Open;
        ch.token = token;
        ch.deposit = amount;
        emit ChannelOpened(channelId, msg.sender, provider, token, amount, expiry, challengePeriod, feeBps, nonce);
        // Interactions
        uint256 received = TokenPull.pull(token, msg.sender, amount);
        if (received != amount) revert PaymentChannelUnsupportedToken(token, amount, received);
    }

    /// @dev Credits min(cumulativeAmount, deposit) minus the fee to the provider, the fee to the
    /// treasury and the rest to the requester.
    function _settle(bytes32 channelId, Channel storage ch, uint256 cumulativeAmount, uint64 nonce) private {
        uint256 deposit = ch.deposit;
        uint256 gross = cumulativeAmount < deposit ? cumulativeAmount : deposit;
        uint256 fee = (gross * ch.feeBps) / _BPS;
        uint256 payout = gross - fee;
        uint256 refund = deposit - gross;
        // Effects
        ch.status = ChannelStatus.Closed;
        ch.nonce = nonce;
        emit ChannelClosed(channelId, payout, fee, refund, nonce);
        IERC20 token = ch.token;
        _credit(token, ch.provider, payout);
        _credit(token, _params.treasury(), fee);
        _credit(token, ch.requester, refund);
    }

    function _checkStatus(bytes32 channelId, Channel storage ch, ChannelStatus expected) private view {
        if (ch.status != expected) revert PaymentChannelWrongStatus(channelId, ch.status);
    }

    function _checkClosable(bytes32 channelId, Channel storage ch) private view {
        if (ch.status != ChannelStatus.Open && ch.status != ChannelStatus.Closing) {
            revert PaymentChannelWrongStatus(channelId, ch.status);
        }
    }

    function _checkNonce(bytes32 channelId, Channel storage ch, uint64 nonce) private view {
        if (nonce <= ch.nonce) revert PaymentChannelStaleVoucher(channelId, nonce, ch.nonce);
    }

    /// @dev Closing: the end of the challenge period. Open with an expiry: expiry + challenge
    /// period. Open without expiry: never (type(uint256).max).
    function _closeDeadline(Channel storage ch) private view returns (uint256) {
        if (ch.status == ChannelStatus.Closing) return ch.closesAt;
        if (ch.expiry != 0) return uint256(ch.expiry) + ch.challengePeriod;
        return type(uint256).max;
    }
}
