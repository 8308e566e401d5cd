// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Errors of a reward or certificate batch
/// @author C4E
/// @notice Shared by C4EToken, GreenCertificates and RewardMinter, so every contract on the minting path
/// reports (and its ABI decodes) the same errors with the same arguments.
interface IRewardBatchErrors {
    /// @notice Two arrays of one batch differ in length.
    /// @param recipients Length of the recipients array.
    /// @param values Length of the other array (amounts or energy).
    error LengthMismatch(uint256 recipients, uint256 values);
    /// @notice The batch has no recipients.
    error EmptyBatch();
    /// @notice The recipient at `index` is the zero address.
    /// @param index Position in the batch.
    error ZeroRecipient(uint256 index);
    /// @notice The amount (or energy) at `index` is zero.
    /// @param index Position in the batch.
    error ZeroAmount(uint256 index);
}
