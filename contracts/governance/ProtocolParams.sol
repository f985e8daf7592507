// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IProtocolParams} from "../interfaces/IProtocolParams.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";

/**
 * @title ProtocolParams
 * @notice Governed parameters, read by the registry, escrow and channels at call time so that a
 * governance change applies without redeploying. Owned by the timelock.
 * @dev One keyed setter per type keeps proposals uniform (`setParam("protocolFeeBps", 200)`)
 * and gives watchers one event shape per type. Bounds keep a captured or careless governance
 * from setting values that lock funds for years or take the whole payout as fee.
 */
contract ProtocolParams is IProtocolParams, Ownable {
    bytes32 public constant MIN_PROVIDER_STAKE = "minProviderStake";
    bytes32 public constant UNBONDING_PERIOD = "unbondingPeriod";
    bytes32 public constant ESCROW_CHALLENGE_WINDOW = "escrowChallengeWindow";
    bytes32 public constant CHANNEL_CHALLENGE_PERIOD = "channelChallengePeriod";
    bytes32 public constant PROTOCOL_FEE_BPS = "protocolFeeBps";
    bytes32 public constant REPORTER_SHARE_BPS = "reporterShareBps";
    bytes32 public constant EQUIVOCATION_SLASH_BPS = "equivocationSlashBps";
    bytes32 public constant TREASURY = "treasury";
    bytes32 public constant ARBITER = "arbiter";

    mapping(bytes32 key => uint256) private _values;
    mapping(bytes32 key => address) private _addresses;

    constructor(address initialOwner, InitialParams memory initial) Ownable(initialOwner) {
        _set(MIN_PROVIDER_STAKE, initial.minProviderStake);
        _set(UNBONDING_PERIOD, initial.unbondingPeriod);
        _set(ESCROW_CHALLENGE_WINDOW, initial.escrowChallengeWindow);
        _set(CHANNEL_CHALLENGE_PERIOD, initial.channelChallengePeriod);
        _set(PROTOCOL_FEE_BPS, initial.protocolFeeBps);
        _set(REPORTER_SHARE_BPS, initial.reporterShareBps);
        _set(EQUIVOCATION_SLASH_BPS, initial.equivocationSlashBps);
        _setAddress(TREASURY, initial.treasury);
        _setAddress(ARBITER, initial.arbiter);
    }

    /// @inheritdoc IProtocolParams
    function setParam(bytes32 key, uint256 value) external onlyOwner {
        _set(key, value);
    }

    /// @inheritdoc IProtocolParams
    function setAddressParam(bytes32 key, address value) external onlyOwner {
        _setAddress(key, value);
    }

    /// @inheritdoc IProtocolParams
    function minProviderStake() external view returns (uint256) {
        return _values[MIN_PROVIDER_STAKE];
    }

    /// @inheritdoc IProtocolParams
    function unbondingPeriod() external view returns (uint256) {
        return _values[UNBONDING_PERIOD];
    }

    /// @inheritdoc IProtocolParams
    function escrowChallengeWindow() external view returns (uint256) {
        return _values[ESCROW_CHALLENGE_WINDOW];
    }

    /// @inheritdoc IProtocolParams
    function channelChallengePeriod() external view returns (uint256) {
        return _values[CHANNEL_CHALLENGE_PERIOD];
    }

    /// @inheritdoc IProtocolParams
    function protocolFeeBps() external view returns (uint256) {
        return _values[PROTOCOL_FEE_BPS];
    }

    /// @inheritdoc IProtocolParams
    function reporterShareBps() external view returns (uint256) {
        return _values[REPORTER_SHARE_BPS];
    }

    /// @inheritdoc IProtocolParams
    function equivocationSlashBps() external view returns (uint256) {
        return _values[EQUIVOCATION_SLASH_BPS];
    }

    /// @inheritdoc IProtocolParams
    function treasury() external view returns (address) {
        return _addresses[TREASURY];
    }

    /// @inheritdoc IProtocolParams
    function arbiter() external view returns (address) {
        return _addresses[ARBITER];
    }

    /// @inheritdoc IProtocolParams
    function getParam(bytes32 key) external view returns (uint256) {
        bounds(key); // reverts for an unknown key
        return _values[key];
    }

    /// @inheritdoc IProtocolParams
    function getAddressParam(bytes32 key) external view returns (address) {
        _checkAddressKey(key);
        return _addresses[key];
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-params/1";
    }

    /// @inheritdoc IProtocolParams
    function bounds(bytes32 key) public pure returns (uint256 min, uint256 max) {
        if (key == MIN_PROVIDER_STAKE) return (1, type(uint128).max);
        // Periods: never zero (that would disable the safeguard), never so long that funds are
        // locked for good. Channel periods are stored in 32 bits.
        if (key == UNBONDING_PERIOD) return (1, 90 days);
        if (key == ESCROW_CHALLENGE_WINDOW) return (1, 30 days);
        if (key == CHANNEL_CHALLENGE_PERIOD) return (1, 30 days);
        if (key == PROTOCOL_FEE_BPS) return (0, 1_000); // at most 10%
        // Below 100%: a provider who reports its own equivocation must still lose something.
        if (key == REPORTER_SHARE_BPS) return (0, 5_000);
        if (key == EQUIVOCATION_SLASH_BPS) return (1, 10_000);
        revert ProtocolParamsUnknownKey(key);
    }

    function _set(bytes32 key, uint256 value) private {
        (uint256 min, uint256 max) = bounds(key);
        if (value < min || value > max) revert ProtocolParamsOutOfBounds(key, value, min, max);
        uint256 old = _values[key];
        _values[key] = value;
        emit ParamChanged(key, old, value);
    }

    function _setAddress(bytes32 key, address value) private {
        _checkAddressKey(key);
        if (value == address(0)) revert ProtocolParamsZeroAddress(key);
        address old = _addresses[key];
        _addresses[key] = value;
        emit AddressParamChanged(key, old, value);
    }

    function _checkAddressKey(bytes32 key) private pure {
        if (key != TREASURY && key != ARBITER) revert ProtocolParamsUnknownKey(key);
    }
}
