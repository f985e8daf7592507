// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVersioned} from "./IVersioned.sol";

/**
 * @title IAuditAnchor
 * @notice Append-only, timestamped Merkle roots (RFC 6962 tree heads) of each node's audit log.
 */
interface IAuditAnchor is IVersioned {
    /// @notice One anchored tree head.
    struct Anchor {
        bytes32 root;
        uint64 treeSize;
        uint64 timestamp;
    }

    /// @notice `submitter` anchored its log's root `root` over `treeSize` entries as its `index`-th anchor.
    event Anchored(address indexed submitter, uint256 indexed index, bytes32 root, uint64 treeSize, uint64 timestamp);

    /// @notice A tree head must cover more entries than the previous one of the same submitter.
    error AuditAnchorTreeSizeNotGrowing(address submitter, uint64 treeSize, uint64 latestTreeSize);
    /// @notice The zero root is no tree head.
    error AuditAnchorZeroRoot();
    /// @notice `submitter` has `count` anchors; `index` is not one of them.
    error AuditAnchorIndexOutOfRange(address submitter, uint256 index, uint256 count);

    /// @notice Appends a tree head for the caller's own log. `treeSize` must grow strictly.
    function anchor(bytes32 root, uint64 treeSize) external;

    /// @notice The most recent anchor of `submitter`; reverts when it has none.
    function latest(address submitter) external view returns (Anchor memory);

    /// @notice The `index`-th anchor of `submitter` (0-based).
    function anchorAt(address submitter, uint256 index) external view returns (Anchor memory);

    /// @notice How many anchors `submitter` has made.
    function anchorCount(address submitter) external view returns (uint256);
}
