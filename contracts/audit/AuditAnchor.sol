// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAuditAnchor} from "../interfaces/IAuditAnchor.sol";
import {IVersioned} from "../interfaces/IVersioned.sol";

/**
 * @title AuditAnchor
 * @notice Anyone anchors tree heads of their own audit log; nobody can anchor for someone else,
 * rewrite or remove one. Auditors check consistency proofs between consecutive anchors. Each
 * peer's binding to the account that anchors its log is recorded here, with its history.
 * @dev Holds no value and calls no other contract, so it needs no reentrancy guard. Each anchor
 * is two storage words (root; size + timestamp) plus the array length. A binding record stores
 * the peer's signature too (rare writes; auditors read it without depending on event logs).
 */
contract AuditAnchor is IAuditAnchor {
    uint256 private constant MAX_PEER_ID_BYTES = 64;
    uint256 private constant PEER_SIGNATURE_BYTES = 64;

    mapping(address submitter => Anchor[]) private _anchors;
    mapping(bytes32 peerKey => PeerBinding[]) private _bindings;

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

    /// @inheritdoc IAuditAnchor
    function bindPeer(bytes calldata peerId, uint64 nonce, bytes calldata signature) external {
        if (peerId.length == 0 || peerId.length > MAX_PEER_ID_BYTES) revert AuditAnchorBadPeerId();
        if (signature.length != PEER_SIGNATURE_BYTES) revert AuditAnchorBadPeerSignature();
        bytes32 peerKey = keccak256(peerId);
        PeerBinding[] storage history = _bindings[peerKey];
        uint256 index = history.length;
        // the previous account's anchors stop counting for this peer here, whoever sent this
        // record: a forged record can end a range early (auditors ignore the record itself, and
        // the peer re-binds), never attribute anchors to the peer
        if (index > 0) history[index - 1].untilAnchor = uint64(_anchors[history[index - 1].account].length);
        uint64 fromAnchor = uint64(_anchors[msg.sender].length);
        history.push(
            PeerBinding({
                account: msg.sender,
                nonce: nonce,
                since: uint64(block.timestamp),
                fromAnchor: fromAnchor,
                untilAnchor: type(uint64).max,
                signature: signature
            })
        );
        emit PeerBound(peerKey, msg.sender, index, peerId, nonce, fromAnchor, signature);
    }

    /// @inheritdoc IAuditAnchor
    function bindingCount(bytes calldata peerId) external view returns (uint256) {
        return _bindings[keccak256(peerId)].length;
    }

    /// @inheritdoc IAuditAnchor
    function bindingAt(bytes calldata peerId, uint256 index) external view returns (PeerBinding memory) {
        bytes32 peerKey = keccak256(peerId);
        uint256 count = _bindings[peerKey].length;
        if (index >= count) revert AuditAnchorBindingOutOfRange(peerKey, index, count);
        return _bindings[peerKey][index];
    }

    /// @inheritdoc IVersioned
    function version() external pure returns (string memory) {
        return "hive-anchor/2";
    }
}
