// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IGovernorTimelock, ITimelockDelay} from "../interfaces/IGovernorTimelock.sol";
import {IProtocolParams} from "../interfaces/IProtocolParams.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";

/**
 * @title ProtocolParams
 * @notice Governed parameters, read by the registry, escrow and channels at call time so that a
 * governance change applies without redeploying. Owned by the timelock.
 * @dev One keyed setter per type keeps proposals uniform (`setParam("protocolFeeBps", 200)`)
 * and gives watchers one event shape per type. Bounds keep a captured or careless governance
 * from setting values that lock funds for years or take the whole payout as fee.
 *
 * Lower bounds of the windows are constructor constants ({minimums}), so governance can never
 * shrink the time a counterparty has to answer a close or dispute a result (a captured governance
 * setting a 1-second challenge window would let requesters take back what they owe). The
 * unbonding period is also kept above {governanceDelay} + `slashMargin`: stake stays slashable
 * until a slash proposed when misconduct is found can execute, and a provider sees it coming.
 */
contract ProtocolParams is IProtocolParams, Ownable {
    bytes32 public constant MIN_PROVIDER_STAKE = "minProviderStake";
    bytes32 public constant UNBONDING_PERIOD = "unbondingPeriod";
    bytes32 public constant ESCROW_CHALLENGE_WINDOW = "escrowChallengeWindow";
    bytes32 public constant CHANNEL_CHALLENGE_PERIOD = "channelChallengePeriod";
    bytes32 public constant PROTOCOL_FEE_BPS = "protocolFeeBps";
    bytes32 public constant REPORTER_SHARE_BPS = "reporterShareBps";
    bytes32 public constant EQUIVOCATION_SLASH_BPS = "equivocationSlashBps";
    bytes32 public constant DISPUTE_BOND_BPS = "disputeBondBps";
    bytes32 public constant ARBITRATION_WINDOW = "arbitrationWindow";
    bytes32 public constant TREASURY = "treasury";
    bytes32 public constant ARBITER = "arbiter";

    /// @dev Every constructor minimum must exceed this: a node's RPC may be down for a minute.
    uint256 private constant _MINIMUM_FLOOR = 1 minutes;

    uint256 private immutable _minUnbondingPeriod;
    uint256 private immutable _minEscrowChallengeWindow;
    uint256 private immutable _minChannelChallengePeriod;
    uint256 private immutable _minArbitrationWindow;
    uint256 private immutable _slashMargin;
    IGovernorTimelock private immutable _governor;

    mapping(bytes32 key => uint256) private _values;
    mapping(bytes32 key => address) private _addresses;

    /// @param governor_ the governor whose delay bounds the unbonding period; its timelock must be
    /// `initialOwner`. Zero only where an account stands in for governance (unit tests).
    constructor(
        address initialOwner,
        InitialParams memory initial,
        Minimums memory minimums_,
        IGovernorTimelock governor_
    ) Ownable(initialOwner) {
        _checkMinimum("unbondingPeriod", minimums_.unbondingPeriod);
        _checkMinimum("escrowChallengeWindow", minimums_.escrowChallengeWindow);
        _checkMinimum("channelChallengePeriod", minimums_.channelChallengePeriod);
        _checkMinimum("arbitrationWindow", minimums_.arbitrationWindow);
        _checkMinimum("slashMargin", minimums_.slashMargin);
        if (address(governor_) != address(0) && governor_.timelock() != initialOwner) {
            revert ProtocolParamsGovernorMismatch(governor_.timelock(), initialOwner);
        }
        _minUnbondingPeriod = minimums_.unbondingPeriod;
        _minEscrowChallengeWindow = minimums_.escrowChallengeWindow;
        _minChannelChallengePeriod = minimums_.channelChallengePeriod;
        _minArbitrationWindow = minimums_.arbitrationWindow;
        _slashMargin = minimums_.slashMargin;
        _governor = governor_;
        _set(MIN_PROVIDER_STAKE, initial.minProviderStake);
        _set(UNBONDING_PERIOD, initial.unbondingPeriod);
        _set(ESCROW_CHALLENGE_WINDOW, initial.escrowChallengeWindow);
        _set(CHANNEL_CHALLENGE_PERIOD, initial.channelChallengePeriod);
        _set(PROTOCOL_FEE_BPS, initial.protocolFeeBps);
        _set(REPORTER_SHARE_BPS, initial.reporterShareBps);
        _set(EQUIVOCATION_SLASH_BPS, initial.equivocationSlashBps);
        _set(DISPUTE_BOND_BPS, initial.disputeBondBps);
        _set(ARBITRATION_WINDOW, initial.arbitrationWindow);
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
    function unbondingPeriod() public view returns (uint256) {
        // Governance may lengthen its own delay after setting the period: the bound still holds.
        uint256 stored = _values[UNBONDING_PERIOD];
        uint256 least = governanceDelay() + _slashMargin;
        return stored > least ? stored : least;
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
    function disputeBondBps() external view returns (uint256) {
        return _values[DISPUTE_BOND_BPS];
    }

    /// @inheritdoc IProtocolParams
    function arbitrationWindow() external view returns (uint256) {
        return _values[ARBITRATION_WINDOW];
    }

    /// @inheritdoc IProtocolParams
    function governanceDelay() public view returns (uint256) {
        if (address(_governor) == address(0)) return 0;
        return
            _governor.votingDelay() +
            _governor.votingPeriod() +
            ITimelockDelay(_governor.timelock()).getMinDelay();
    }

    /// @inheritdoc IProtocolParams
    function minimums() external view returns (Minimums memory) {
        return
            Minimums({
                unbondingPeriod: _minUnbondingPeriod,
                escrowChallengeWindow: _minEscrowChallengeWindow,
                channelChallengePeriod: _minChannelChallengePeriod,
                arbitrationWindow: _minArbitrationWindow,
                slashMargin: _slashMargin
            });
    }

    /// @notice The governor whose delay bounds the unbonding period (zero: none).
    function governor() external view returns (IGovernorTimelock) {
        return _governor;
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
        return key == UNBONDING_PERIOD ? unbondingPeriod() : _values[key];
    }

    /// @inheritdoc IProtocolParams
    function getAddressParam(bytes32 key) external view returns (address) {
        _checkAddressKey(key);
        return _addresses[key];
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-params/2";
    }

    /// @inheritdoc IProtocolParams
    function bounds(bytes32 key) public view returns (uint256 min, uint256 max) {
        if (key == MIN_PROVIDER_STAKE) return (1, type(uint128).max);
        // Periods: never below the constructor minimums, never so long that funds are locked for
        // good. Escrow and channel windows are stored in 32 bits.
        if (key == UNBONDING_PERIOD) {
            uint256 least = governanceDelay() + _slashMargin;
            return (least > _minUnbondingPeriod ? least : _minUnbondingPeriod, 90 days);
        }
        if (key == ESCROW_CHALLENGE_WINDOW) return (_minEscrowChallengeWindow, 30 days);
        if (key == CHANNEL_CHALLENGE_PERIOD) return (_minChannelChallengePeriod, 30 days);
        if (key == ARBITRATION_WINDOW) return (_minArbitrationWindow, 30 days);
        // A dispute is never free; a bond of the whole deposit is the most a requester can be asked.
        if (key == DISPUTE_BOND_BPS) return (1, 10_000);
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

    function _checkMinimum(bytes32 name, uint256 value) private pure {
        if (value <= _MINIMUM_FLOOR) revert ProtocolParamsMinimumTooShort(name, value, _MINIMUM_FLOOR);
    }

    function _checkAddressKey(bytes32 key) private pure {
        if (key != TREASURY && key != ARBITER) revert ProtocolParamsUnknownKey(key);
    }
}
