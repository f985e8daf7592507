// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/**
 * @title TokenPull
 * @notice Pulls a deposit and reports what actually arrived, so that a contract holding many
 * tokens never credits more than it received (fee-on-transfer or rebasing tokens would
 * otherwise leave it owing more than it holds).
 */
library TokenPull {
    using SafeERC20 for IERC20;

    function pull(IERC20 token, address from, uint256 amount) internal returns (uint256 received) {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        received = token.balanceOf(address(this)) - before;
    }
}
