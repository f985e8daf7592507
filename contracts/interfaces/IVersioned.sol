// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Every ComputeHive contract names its interface version, so that a node can refuse a
/// deployment it was not written for.
interface IVersioned {
    /// @notice The contract's interface version, e.g. "hive-escrow/1".
    function version() external pure returns (string memory);
}
