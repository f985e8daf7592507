// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";

/**
 * @title HiveTimelock
 * @notice OpenZeppelin's TimelockController, unchanged but for {version}. It owns ProtocolParams
 * and the ProviderRegistry, and is the treasury. The HiveGovernor is its only proposer and
 * canceller; anyone may execute a proposal once its delay has passed.
 */
contract HiveTimelock is TimelockController, IVersioned {
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-timelock/1";
    }
}
