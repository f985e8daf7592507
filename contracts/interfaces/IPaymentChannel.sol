// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ICreditLedger} from "./ICreditLedger.sol";
import {IVersioned} from "./IVersioned.sol";

/**
 * @title IPaymentChannel
 * @notice Unidirectional requester -> provider channels in any ERC20. The requester pays per job
 * with off-chain EIP-712 vouchers `Voucher(channelId, cumulativeAmount, nonce)`; the provider
 * redeems only its latest one, once, when it closes. Many jobs, two transactions.
 *
 * The channel id is the hash of what never changes in a channel:
 * `keccak256(abi.encode(chainId, address(this), requester, provider, token, expiry,
 * challengePeriod, feeBps, nonce))`, where `nonce` is the requester's channel counter
 * (`nonces(requester)` before opening). The challenge period and fee are fixed at opening
 * (snapshots of ProtocolParams): a governance change cannot shorten the window a provider's
 * watcher was sized for, and the terms both sides agreed to are provable from the id.
 *
 * Closing: the provider closes with a voucher at any time before the close deadline; the
 * requester may `startClose`, after which the provider has one challenge period to answer with
 * its voucher, else anyone may `finalize` and the deposit returns to the requester. A channel
 * with an expiry can also be finalized from `expiry + challengePeriod` without `startClose`.
 * Both parties may settle at once with a co-signed `CooperativeClose`. A payout never exceeds
 * the deposit (a larger voucher pays the whole deposit); payout + fee + refund = deposit. Closing
 * credits each party, who withdraws its credit (ICreditLedger).
 */
interface IPaymentChannel is IVersioned, ICreditLedger {
    enum ChannelStatus {
        None,
        Open,
        Closing,
        Closed
    }

    /// @notice A channel record. `nonce` is 0 while open and the settling voucher's nonce once closed.
    struct Channel {
        address requester;
        uint64 expiry;
        uint32 challengePeriod;
        address provider;
        uint64 closesAt;
        uint16 feeBps;
        ChannelStatus status;
        IERC20 token;
        uint64 nonce;
        uint256 deposit;
    }

    event ChannelOpened(
        bytes32 indexed channelId,
        address indexed requester,
        address indexed provider,
        IERC20 token,
        uint256 deposit,
        uint64 expiry,
        uint32 challengePeriod,
        uint16 feeBps,
        uint256 nonce
    );
    event ChannelToppedUp(bytes32 indexed channelId, uint256 amount, uint256 deposit);
    /// @notice The requester started closing; the provider must answer with a voucher before `closesAt`.
    event ChannelCloseStarted(bytes32 indexed channelId, uint64 closesAt);
    /// @notice The channel settled: credits of `payout` to the provider, `fee` to the treasury, `refund` to the
    /// requester, by the voucher (or cooperative close) with `nonce` (0 when finalized without one).
    event ChannelClosed(bytes32 indexed channelId, uint256 payout, uint256 fee, uint256 refund, uint64 nonce);

    error PaymentChannelInvalidProvider(address provider);
    error PaymentChannelZeroAmount();
    /// @notice A non-zero expiry must lie in the future.
    error PaymentChannelInvalidExpiry(uint64 expiry, uint256 now);
    /// @notice The channel is in `status`, which does not allow this operation (None: no such channel).
    error PaymentChannelWrongStatus(bytes32 channelId, ChannelStatus status);
    error PaymentChannelUnauthorized(bytes32 channelId, address caller);
    /// @notice The channel expired at `expiry`: no more top-ups.
    error PaymentChannelExpired(bytes32 channelId, uint64 expiry, uint256 now);
    /// @notice A signature is not `signer`'s.
    error PaymentChannelInvalidSignature(bytes32 channelId, address signer);
    /// @notice Voucher nonces start at 1 and must exceed the last one used.
    error PaymentChannelStaleVoucher(bytes32 channelId, uint64 nonce, uint64 lastNonce);
    /// @notice Too late for a voucher: the close deadline was `deadline`.
    error PaymentChannelChallengeExpired(bytes32 channelId, uint256 deadline, uint256 now);
    /// @notice Too early to finalize: possible from `deadline` (type(uint256).max: not before `startClose`).
    error PaymentChannelChallengeNotOver(bytes32 channelId, uint256 deadline, uint256 now);
    /// @notice The token delivered `received` instead of `expected` (fee-on-transfer tokens are unsupported).
    error PaymentChannelUnsupportedToken(IERC20 token, uint256 expected, uint256 received);

    /// @notice Opens a channel from the caller to `provider`, depositing `amount` of `token`
    /// (pulled with transferFrom). `expiry` 0 means none. Returns the channel id.
    function open(address provider, IERC20 token, uint256 amount, uint64 expiry) external returns (bytes32 channelId);

    /// @notice `open` after an ERC-2612 permit for `amount` (a permit already used, e.g. by a
    /// front-runner, is ignored as long as the allowance is there).
    function openWithPermit(
        address provider,
        IERC20 token,
        uint256 amount,
        uint64 expiry,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (bytes32 channelId);

    /// @notice The requester adds `amount` to an open, unexpired channel.
    function topUp(bytes32 channelId, uint256 amount) external;

    /// @notice The provider settles with a requester-signed voucher before the close deadline.
    function closeWithVoucher(
        bytes32 channelId,
        uint256 cumulativeAmount,
        uint64 nonce,
        bytes calldata signature
    ) external;

    /// @notice The requester starts closing; the provider has one challenge period to answer.
    function startClose(bytes32 channelId) external;

    /// @notice Anyone returns the deposit to the requester once the close deadline has passed.
    function finalize(bytes32 channelId) external;

    /// @notice Anyone submits a `CooperativeClose` signed by both parties; settles at once.
    function cooperativeClose(
        bytes32 channelId,
        uint256 cumulativeAmount,
        uint64 nonce,
        bytes calldata requesterSignature,
        bytes calldata providerSignature
    ) external;

    /// @notice The channel record (status None if it does not exist).
    function channel(bytes32 channelId) external view returns (Channel memory);

    /// @notice When the provider's last chance to close ends and `finalize` becomes possible
    /// (0 while the channel is open without expiry, or when it is not open).
    function closeDeadline(bytes32 channelId) external view returns (uint256);

    /// @notice The id a channel with these terms has (see the interface documentation).
    function channelIdOf(
        address requester,
        address provider,
        IERC20 token,
        uint64 expiry,
        uint32 challengePeriod,
        uint16 feeBps,
        uint256 nonce
    ) external view returns (bytes32);

    /// @notice The EIP-712 digest of `Voucher(channelId, cumulativeAmount, nonce)` in this contract's domain.
    function hashVoucher(bytes32 channelId, uint256 cumulativeAmount, uint64 nonce) external view returns (bytes32);

    /// @notice The EIP-712 digest of `CooperativeClose(channelId, cumulativeAmount, nonce)`.
    function hashCooperativeClose(
        bytes32 channelId,
        uint256 cumulativeAmount,
        uint64 nonce
    ) external view returns (bytes32);
}
