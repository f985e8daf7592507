// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVersioned} from "./IVersioned.sol";

/**
 * @title IAuditAnchor
 * @notice Append-only, timestamped Merkle roots (RFC 6962 tree heads) of each node's audit log,
 * and the history of which account anchors each peer's log.
 * @dev A peer id (libp2p, Ed25519) is bound to an account by the account itself, carrying the
 * peer's signature over (chainId, contract, peerId, account, nonce). Verifying Ed25519 on-chain is
 * too costly, so the contract stores the signature and auditors check it off-chain: a record
 * without a valid signature, or with a nonce not above the previous valid one (a replay), is
 * ignored by auditors. Every binding is kept: a peer's anchored history is the anchors of each
 * bound account in the range it was bound for, so a new wallet cannot start a new history.
 */
interface IAuditAnchor is IVersioned {
    /// @notice One anchored tree head.
    struct Anchor {
        bytes32 root;
        uint64 treeSize;
        uint64 timestamp;
    }

    /// @notice One record of a peer's binding history.
    struct PeerBinding {
        /// the account whose anchors are the peer's log while this record is current
        address account;
        /// chosen and signed by the peer; auditors accept only increasing nonces
        uint64 nonce;
        /// block time of the record
        uint64 since;
        /// `account`'s anchor count when bound: its anchors from this index on are the peer's
        uint64 fromAnchor;
        /// `account`'s anchor count when the peer's next record came (type(uint64).max while current)
        uint64 untilAnchor;
        /// the peer's Ed25519 signature, checked by auditors (64 bytes)
        bytes signature;
    }

    /// @notice `account` recorded its binding to `peerId` (keccak256 in `peerKey`) as record `index`.
    event PeerBound(
        bytes32 indexed peerKey,
        address indexed account,
        uint256 index,
        bytes peerId,
        uint64 nonce,
        uint64 fromAnchor,
        bytes signature
    );

    /// @notice A peer id is 1 to 64 bytes (a libp2p multihash).
    error AuditAnchorBadPeerId();
    /// @notice The peer's signature is an Ed25519 signature: 64 bytes.
    error AuditAnchorBadPeerSignature();
    /// @notice `peerKey` has `count` binding records; `index` is not one of them.
    error AuditAnchorBindingOutOfRange(bytes32 peerKey, uint256 index, uint256 count);

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

    /// @notice Records that the caller's anchors are `peerId`'s log from now on; ends the peer's previous record.
    function bindPeer(bytes calldata peerId, uint64 nonce, bytes calldata signature) external;

    /// @notice How many binding records `peerId` has (valid or not: auditors check the signatures).
    function bindingCount(bytes calldata peerId) external view returns (uint256);

    /// @notice Record `index` of `peerId`'s binding history (0-based, oldest first).
    function bindingAt(bytes calldata peerId, uint256 index) external view returns (PeerBinding memory);
}
