// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {VestingWallet} from "@openzeppelin/contracts/finance/VestingWallet.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";

/**
 * @title HiveVesting
 * @notice A genesis allocation that vests linearly to its beneficiary (OpenZeppelin's
 * VestingWallet). Tokens still in the wallet are not delegated, so they carry no vote: an
 * allocation gains voting weight only as it vests and its beneficiary releases and delegates it.
 */
contract HiveVesting is VestingWallet, IVersioned {
    constructor(
        address beneficiary,
        uint64 startTimestamp,
        uint64 durationSeconds
    ) VestingWallet(beneficiary, startTimestamp, durationSeconds) {}

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-vesting/1";
    }
}
