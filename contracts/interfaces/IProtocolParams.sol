// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVersioned} from "./IVersioned.sol";

/**
 * @title IProtocolParams
 * @notice The governed parameters of ComputeHive. Keys are ASCII names right-padded to bytes32
 * (ethers: `encodeBytes32String("protocolFeeBps")`). Nodes follow changes live by watching
 * {ParamChanged} and {AddressParamChanged}; the constructor emits both for every initial value,
 * so replaying events from the deployment block yields the full current state.
 */
interface IProtocolParams is IVersioned {
    /// @notice A numeric parameter changed (also emitted once per key at deployment, old = 0).
    event ParamChanged(bytes32 indexed key, uint256 oldValue, uint256 newValue);
    /// @notice An address parameter changed (also emitted once per key at deployment, old = 0).
    event AddressParamChanged(bytes32 indexed key, address oldValue, address newValue);

    /// @notice `key` names no numeric (or, for address setters, no address) parameter.
    error ProtocolParamsUnknownKey(bytes32 key);
    /// @notice `value` lies outside [min, max] for `key`.
    error ProtocolParamsOutOfBounds(bytes32 key, uint256 value, uint256 min, uint256 max);
    /// @notice Address parameters can never be the zero address.
    error ProtocolParamsZeroAddress(bytes32 key);
    /// @notice A constructor minimum named `name` is `value`, not above the hard floor `floor` (60 s).
    error ProtocolParamsMinimumTooShort(bytes32 name, uint256 value, uint256 floor);
    /// @notice The governor's timelock `timelock` is not this contract's owner `owner`.
    error ProtocolParamsGovernorMismatch(address timelock, address owner);

    /// @notice Initial values, checked against the same bounds as later changes.
    struct InitialParams {
        uint256 minProviderStake;
        uint256 unbondingPeriod;
        uint256 escrowChallengeWindow;
        uint256 channelChallengePeriod;
        uint256 protocolFeeBps;
        uint256 reporterShareBps;
        uint256 equivocationSlashBps;
        uint256 disputeBondBps;
        uint256 arbitrationWindow;
        address treasury;
        address arbiter;
    }

    /// @notice Lower bounds fixed at construction: no governance action can go below them. Each
    /// must exceed one minute (an RPC outage inside a challenge window must not cost a deposit);
    /// production deployments use hours to days.
    struct Minimums {
        /// @notice least unbonding period (the governance delay plus `slashMargin` may ask for more)
        uint256 unbondingPeriod;
        uint256 escrowChallengeWindow;
        uint256 channelChallengePeriod;
        uint256 arbitrationWindow;
        /// @notice time governance has, beyond voting and the timelock, to queue and execute a slash
        uint256 slashMargin;
    }

    /// @notice Least bonded HIVE (wei) for a provider to count as active.
    function minProviderStake() external view returns (uint256);
    /// @notice Seconds between `requestUnbond` and `withdraw`: the stored value, but never less than
    /// {governanceDelay} + the slash margin, so stake stays slashable until a slash can execute.
    function unbondingPeriod() external view returns (uint256);
    /// @notice Seconds after an escrow's deadline in which the requester may dispute.
    function escrowChallengeWindow() external view returns (uint256);
    /// @notice Seconds a provider has to answer a requester's `startClose` with a voucher.
    function channelChallengePeriod() external view returns (uint256);
    /// @notice Fee in basis points taken from every provider payout, paid to the treasury.
    function protocolFeeBps() external view returns (uint256);
    /// @notice Share (bps) of an equivocation slash paid to whoever proved it.
    function reporterShareBps() external view returns (uint256);
    /// @notice Share (bps) of a provider's stake taken when equivocation is proved.
    function equivocationSlashBps() external view returns (uint256);
    /// @notice Bond (bps of the deposit, rounded up, in the escrow's token) a requester pays to dispute.
    function disputeBondBps() external view returns (uint256);
    /// @notice Seconds the arbiter has to rule on a dispute; then the provider may claim.
    function arbitrationWindow() external view returns (uint256);
    /// @notice Seconds governance needs from proposal to execution: voting delay + voting period +
    /// timelock delay of the governor given at construction (0 without one).
    function governanceDelay() external view returns (uint256);
    /// @notice The lower bounds fixed at construction.
    function minimums() external view returns (Minimums memory);
    /// @notice Receives protocol fees and slashed stake.
    function treasury() external view returns (address);
    /// @notice Resolves escrow disputes.
    function arbiter() external view returns (address);

    /// @notice The numeric parameter named `key`; reverts for an unknown key.
    function getParam(bytes32 key) external view returns (uint256);
    /// @notice The address parameter named `key`; reverts for an unknown key.
    function getAddressParam(bytes32 key) external view returns (address);
    /// @notice Inclusive bounds a numeric parameter must stay within now (the unbonding period's
    /// minimum follows the governance delay).
    function bounds(bytes32 key) external view returns (uint256 min, uint256 max);

    /// @notice Sets the numeric parameter `key` (owner only, i.e. the timelock).
    function setParam(bytes32 key, uint256 value) external;
    /// @notice Sets the address parameter `key` (owner only, i.e. the timelock).
    function setAddressParam(bytes32 key, address value) external;
}
