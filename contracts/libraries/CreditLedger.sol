// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICreditLedger} from "../interfaces/ICreditLedger.sol";

/**
 * @title CreditLedger
 * @notice Credits per token and account, withdrawn by their owner (see ICreditLedger). The sum of
 * credits in a token never exceeds what the contract holds in it: settlement only moves a
 * deposit, already received, into credits.
 */
abstract contract CreditLedger is ICreditLedger, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    mapping(IERC20 token => mapping(address account => uint256)) private _credits;

    /// @inheritdoc ICreditLedger
    function withdraw(IERC20 token) external nonReentrant returns (uint256) {
        return _withdraw(token, msg.sender);
    }

    /// @inheritdoc ICreditLedger
    function withdrawFor(IERC20 token, address account) external nonReentrant returns (uint256) {
        return _withdraw(token, account);
    }

    /// @inheritdoc ICreditLedger
    function credits(IERC20 token, address account) external view returns (uint256) {
        return _credits[token][account];
    }

    function _credit(IERC20 token, address account, uint256 amount) internal {
        if (amount == 0) return;
        _credits[token][account] += amount;
        emit Credited(account, token, amount);
    }

    function _withdraw(IERC20 token, address account) private returns (uint256 amount) {
        // Checks
        amount = _credits[token][account];
        if (amount == 0) revert CreditLedgerNothingToWithdraw(account, token);
        // Effects
        _credits[token][account] = 0;
        emit Withdrawn(account, token, amount);
        // Interactions
        token.safeTransfer(account, amount);
    }
}
