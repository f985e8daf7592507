// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title MockBlockingToken (test only)
 * @notice An ERC20 whose transfers to a blocked account revert, like USDC's or USDT's block lists,
 * or a token whose owner is the requester: the way one party can stall a pushed payout to all.
 */
contract MockBlockingToken is ERC20 {
    mapping(address account => bool) public blocked;

    error MockBlockingTokenBlocked(address account);

    constructor() ERC20("Mock Blocking Token", "BLOCK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool value) external {
        blocked[account] = value;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (to != address(0) && blocked[to]) revert MockBlockingTokenBlocked(to);
        super._update(from, to, value);
    }
}
