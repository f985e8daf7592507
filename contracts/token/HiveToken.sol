// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";

/**
 * @title HiveToken
 * @notice HIVE: the currency of the market and the vote of its governance. Fixed supply, minted
 * once at deployment; nobody can mint later, so the token has no owner at all.
 * @dev Votes are checkpointed by timestamp (ERC-6372 "mode=timestamp"), not block number: every
 * other window in ComputeHive (deadlines, challenge periods, unbonding, expiry) is in seconds,
 * block times differ across the chains we may deploy to (L2s produce blocks irregularly), and
 * an automining devnet produces blocks only when transactions arrive, so block-based voting
 * periods would have no meaning there.
 */
contract HiveToken is ERC20, ERC20Permit, ERC20Votes, IVersioned {
    constructor(address initialHolder, uint256 initialSupply) ERC20("ComputeHive", "HIVE") ERC20Permit("ComputeHive") {
        _mint(initialHolder, initialSupply);
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-token/1";
    }

    /// @notice The current timepoint of the vote checkpoints: the block timestamp (ERC-6372).
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice Describes the clock (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @notice The permit nonce of `owner` (shared by ERC20Permit and vote delegation by signature).
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
