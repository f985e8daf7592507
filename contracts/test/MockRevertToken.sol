// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockRevertToken (test only)
/// @notice An ERC20 whose owner can make every transfer revert (as a pausable or blocklisting
/// token can): deposits go in while it behaves, and settling a channel in it then fails.
contract MockRevertToken is ERC20 {
    bool public blocked;

    error MockRevertTokenBlocked();

    constructor() ERC20("Mock Revert Token", "REV") {}

    function setBlocked(bool on) external {
        blocked = on;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (blocked) revert MockRevertTokenBlocked();
        super._update(from, to, value);
    }
}
