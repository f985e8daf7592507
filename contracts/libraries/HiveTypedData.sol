// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title HiveTypedData
 * @notice The EIP-712 structs that ComputeHive contracts verify, defined once. protocol/eip712.ts
 * mirrors these type strings exactly; a test checks that both sides hash to the same digest.
 * @dev Each contract wraps a struct hash with its own domain (`_hashTypedDataV4`), which binds
 * the chain id and the verifying contract: a signature is valid for one deployment only.
 */
library HiveTypedData {
    /// @notice A requester's promise to pay a channel's provider `cumulativeAmount` in total.
    struct Voucher {
        bytes32 channelId;
        uint256 cumulativeAmount;
        uint64 nonce;
    }

    /// @notice Signed by requester and provider to settle a channel at once, without a challenge period.
    struct CooperativeClose {
        bytes32 channelId;
        uint256 cumulativeAmount;
        uint64 nonce;
    }

    /// @notice A requester's acceptance of a job's result: pays the escrow to `provider`.
    struct Release {
        bytes32 jobId;
        address provider;
        bytes32 resultHash;
    }

    /// @notice A provider's signed statement that job `jobId` produced `outputHash` (the sha2-256
    /// digest inside the output CID). Two of these for one job with different outputs prove
    /// equivocation (see ProviderRegistry.slashEquivocation).
    struct ResultCommitment {
        bytes32 jobId;
        address provider;
        bytes32 outputHash;
    }

    bytes32 internal constant VOUCHER_TYPEHASH =
        keccak256("Voucher(bytes32 channelId,uint256 cumulativeAmount,uint64 nonce)");
    bytes32 internal constant COOPERATIVE_CLOSE_TYPEHASH =
        keccak256("CooperativeClose(bytes32 channelId,uint256 cumulativeAmount,uint64 nonce)");
    bytes32 internal constant RELEASE_TYPEHASH = keccak256("Release(bytes32 jobId,address provider,bytes32 resultHash)");
    bytes32 internal constant RESULT_COMMITMENT_TYPEHASH =
        keccak256("ResultCommitment(bytes32 jobId,address provider,bytes32 outputHash)");

    function hash(Voucher memory v) internal pure returns (bytes32) {
        return keccak256(abi.encode(VOUCHER_TYPEHASH, v.channelId, v.cumulativeAmount, v.nonce));
    }

    function hash(CooperativeClose memory c) internal pure returns (bytes32) {
        return keccak256(abi.encode(COOPERATIVE_CLOSE_TYPEHASH, c.channelId, c.cumulativeAmount, c.nonce));
    }

    function hash(Release memory r) internal pure returns (bytes32) {
        return keccak256(abi.encode(RELEASE_TYPEHASH, r.jobId, r.provider, r.resultHash));
    }

    function hash(ResultCommitment memory c) internal pure returns (bytes32) {
        return keccak256(abi.encode(RESULT_COMMITMENT_TYPEHASH, c.jobId, c.provider, c.outputHash));
    }
}
