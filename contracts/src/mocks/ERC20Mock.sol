// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Plain OpenZeppelin ERC-20 (tests only)
/// @author C4E
/// @notice The reference the shared ERC-20 behaviour tests also run against, to prove they test ERC-20
/// behaviour and nothing specific to C4EToken.
contract ERC20Mock is ERC20 {
    /// @notice Deploys the mock and mints `initialSupply` to `holder`.
    /// @param holder Receiver of the initial supply.
    /// @param initialSupply Amount minted at deployment.
    constructor(address holder, uint256 initialSupply) ERC20("ERC20 Mock", "MOCK") {
        _mint(holder, initialSupply);
    }
}
