// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Test-only: forwarding arbitrary calls and bubbling their revert data is the point here.
// solhint-disable avoid-low-level-calls, no-inline-assembly

import {ITokenHooks} from "./MockHookToken.sol";

interface IHookRegistry {
    function registerHooks() external;
}

/**
 * @title MockReentrantActor (test only)
 * @notice A contract account that acts as requester or provider and, when armed, re-enters a
 * target from inside a token hook. It records what the re-entry returned instead of reverting,
 * so a test can see both that the outer call completed and why the inner one failed.
 */
contract MockReentrantActor is ITokenHooks {
    address public reentryTarget;
    bytes public reentryCall;
    bool public reentryAttempted;
    bool public reentrySucceeded;
    bytes public reentryError;

    function registerHooks(address token) external {
        IHookRegistry(token).registerHooks();
    }

    /// @notice Calls `target` with `data` as this account, bubbling any revert.
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    /// @notice Arms a single re-entry into `target` with `data` at the next hook.
    function arm(address target, bytes calldata data) external {
        reentryTarget = target;
        reentryCall = data;
    }

    function tokensToSend(address, address, uint256) external {
        _reenter();
    }

    function tokensReceived(address, address, uint256) external {
        _reenter();
    }

    /// @notice Contract wallets sign by ERC-1271; this one accepts nothing.
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        return 0xffffffff;
    }

    function _reenter() private {
        address target = reentryTarget;
        if (target == address(0)) return;
        reentryTarget = address(0);
        reentryAttempted = true;
        (bool ok, bytes memory ret) = target.call(reentryCall);
        reentrySucceeded = ok;
        if (!ok) reentryError = ret;
    }
}
