// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Test-only: forwarding arbitrary calls and bubbling their revert data is the point here.
// solhint-disable avoid-low-level-calls, no-inline-assembly

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @title MockFickleWallet (test only)
 * @notice A contract wallet that vouches for its owner's signatures (ERC-1271) until its owner
 * turns that off: what a provider staking from a contract wallet would do to escape slashing for
 * an equivocation it signed while it was vouching.
 */
contract MockFickleWallet is IERC1271 {
    address public immutable owner;
    bool public refusing;

    error MockFickleWalletNotOwner(address caller);

    constructor(address owner_) {
        owner = owner_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (refusing) return bytes4(0xffffffff);
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(hash, signature);
        return err == ECDSA.RecoverError.NoError && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    function setRefusing(bool refusing_) external {
        if (msg.sender != owner) revert MockFickleWalletNotOwner(msg.sender);
        refusing = refusing_;
    }

    /// @notice Lets the owner act through the wallet (approve, stake, ...).
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert MockFickleWalletNotOwner(msg.sender);
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }
}
