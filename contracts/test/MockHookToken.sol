// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Receiver/sender hooks in the style of ERC-777 (`tokensToSend` / `tokensReceived`).
interface ITokenHooks {
    function tokensToSend(address from, address to, uint256 amount) external;
    function tokensReceived(address from, address to, uint256 amount) external;
}

/**
 * @title MockHookToken (test only)
 * @notice An ERC20 that calls the sender before and the receiver after every transfer, like
 * ERC-777, for accounts that registered: the classic vector for reentrancy (SWC-107).
 */
contract MockHookToken is ERC20 {
    mapping(address account => bool) public hooked;

    constructor() ERC20("Mock Hook Token", "HOOK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function registerHooks() external {
        hooked[msg.sender] = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && hooked[from]) ITokenHooks(from).tokensToSend(from, to, value);
        super._update(from, to, value);
        if (to != address(0) && hooked[to]) ITokenHooks(to).tokensReceived(from, to, value);
    }
}
