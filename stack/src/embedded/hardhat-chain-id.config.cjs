// Hardhat configuration for a `hardhat node` with a chain id other than the development chain's 31337
// (C4E_HARDHAT_CHAIN_ID): tests run the production mode against it (`startLocalChain({ chainId })`).
// The node still funds the development accounts; the platform must not use them there.
module.exports = { networks: { hardhat: { chainId: Number(process.env.C4E_HARDHAT_CHAIN_ID) } } };
