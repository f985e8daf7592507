// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAuditAnchor} from "../interfaces/IAuditAnchor.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";

/**
 * @title AuditAnchor
 * @notice Anyone anchors tree heads of their own audit log; nobody can anchor for someone else,
 * rewrite or remove one. Auditors check consistency proofs between consecutive anchors.
 * @dev Holds no value and calls no other contract, so it needs no reentrancy guard. Each anchor
 * is two storage words (root; size + timestamp) plus the array length.
 */
contract AuditAnchor is IAuditAnchor {
    mapping(address submitter => Anchor[]) private _anchors;

    /// @inheritdoc IAuditAnchor
    function anchor(bytes32 root, uint64 treeSize) external {
        if (root == bytes32(0)) revert AuditAnchorZeroRoot();
        Anchor[] storage list = _anchors[msg.sender];
        uint256 count = list.length;
        uint64 latestTreeSize = count == 0 ? 0 : list[count - 1].treeSize;
        if (treeSize <= latestTreeSize) revert AuditAnchorTreeSizeNotGrowing(msg.sender, treeSize, latestTreeSize);

        uint64 timestamp = uint64(block.timestamp);
        list.push(Anchor({root: root, treeSize: treeSize, timestamp: timestamp}));
        emit Anchored(msg.sender, count, root, treeSize, timestamp);
    }

    /// @inheritdoc IAuditAnchor
    function latest(address submitter) external view returns (Anchor memory) {
        uint256 count = _anchors[submitter].length;
        if (count == 0) revert AuditAnchorIndexOutOfRange(submitter, 0, 0);
        return _anchors[submitter][count - 1];
    }

    /// @inheritdoc IAuditAnchor
    function anchorAt(address submitter, uint256 index) external view returns (Anchor memory) {
        uint256 count = _anchors[submitter].length;
        if (index >= count) revert AuditAnchorIndexOutOfRange(submitter, index, count);
        return _anchors[submitter][index];
    }

    /// @inheritdoc IAuditAnchor
    function anchorCount(address submitter) external view returns (uint256) {
        return _anchors[submitter].length;
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-anchor/1";
    }
}
