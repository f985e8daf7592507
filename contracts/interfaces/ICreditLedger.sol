// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/**
 * @title ICreditLedger
 * @notice Pull payments: settlement credits each party and each withdraws its own credit. A
 * transfer pushed to several parties in one transaction is stalled by any one of them the token
 * refuses (a block-listed treasury, a requester whose own token reverts on refunds to it); with
 * credits, a party the token refuses blocks only its own withdrawal.
 */
interface ICreditLedger {
    /// @notice `amount` of `token` became withdrawable by `account`.
    event Credited(address indexed account, IERC20 indexed token, uint256 amount);
    /// @notice `account`'s whole credit in `token`, `amount`, was transferred to it.
    event Withdrawn(address indexed account, IERC20 indexed token, uint256 amount);

    /// @notice `account` has no credit in `token`.
    error CreditLedgerNothingToWithdraw(address account, IERC20 token);

    /// @notice Transfers the caller's whole credit in `token` to it; returns the amount.
    function withdraw(IERC20 token) external returns (uint256 amount);

    /// @notice Anyone transfers `account`'s whole credit in `token` to `account` (the money only
    /// goes to its owner: a relayer, or a sweep of the treasury's fees without a proposal).
    function withdrawFor(IERC20 token, address account) external returns (uint256 amount);

    /// @notice What `account` may withdraw in `token`.
    function credits(IERC20 token, address account) external view returns (uint256);
}
