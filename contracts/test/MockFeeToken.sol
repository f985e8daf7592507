// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MockFeeToken (test only)
/// @notice Burns 1% of every transfer while `feeOn`: what a contract receives is less than what
/// was sent. The fee can be switched on later, as some real tokens can.
contract MockFeeToken is ERC20 {
    bool public feeOn = true;

    constructor() ERC20("Mock Fee Token", "FEE") {}

    function setFeeOn(bool on) external {
        feeOn = on;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (!feeOn || from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 burnt = value / 100;
        super._update(from, address(0), burnt);
        super._update(from, to, value - burnt);
    }
}
