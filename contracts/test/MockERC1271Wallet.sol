// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Test-only: forwarding arbitrary calls and bubbling their revert data is the point here.
// solhint-disable avoid-low-level-calls, no-inline-assembly

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/**
 * @title MockERC1271Wallet (test only)
 * @notice A smart-contract wallet whose signatures are its owner's ECDSA signatures over the
 * same digest (ERC-1271), to show that contract wallets can sign vouchers and releases.
 */
contract MockERC1271Wallet is IERC1271 {
    address public immutable owner;

    error MockERC1271WalletNotOwner(address caller);

    constructor(address owner_) {
        owner = owner_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        return err == ECDSA.RecoverError.NoError && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    /// @notice Lets the owner act through the wallet (approve, open a channel, ...).
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert MockERC1271WalletNotOwner(msg.sender);
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    function approve(IERC20 token, address spender, uint256 amount) external {
        token.approve(spender, amount);
    }
}
