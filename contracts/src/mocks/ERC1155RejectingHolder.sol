// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title A contract wallet without ERC-1155 receiver hooks (tests only)
/// @author C4E
/// @notice Receiving an ERC-1155 token by a safe transfer or mint reverts for it.
contract ERC1155RejectingHolder {
    /// @notice Whether the contract exists (so the compiler keeps it non-empty).
    /// @return Always true.
    function exists() external pure returns (bool) {
        return true;
    }
}
