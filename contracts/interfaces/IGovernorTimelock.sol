// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IGovernorTimelock
 * @notice The parts of a timelocked Governor (OpenZeppelin Governor + GovernorTimelockControl)
 * and of its TimelockController that tell how long governance needs to act: ProtocolParams keeps
 * the unbonding period longer than that, so stake cannot leave before a slash can execute.
 */
interface IGovernorTimelock {
    /// @notice Seconds between a proposal and the start of its vote (the token's clock is the timestamp).
    function votingDelay() external view returns (uint256);
    /// @notice Seconds a vote stays open.
    function votingPeriod() external view returns (uint256);
    /// @notice The TimelockController that executes passed proposals.
    function timelock() external view returns (address);
}

/// @notice The delay of OpenZeppelin's TimelockController.
interface ITimelockDelay {
    function getMinDelay() external view returns (uint256);
}
