// Names the chat contributions share with package.json (a manifest test checks they agree).

/** Our language model vendor: not `anthropic`, which Copilot Chat registers. */
export const VENDOR = 'resilient-claude';
/** The @claude participant's id (`contributes.chatParticipants`). */
export const PARTICIPANT_ID = 'resilient-claude.claude';
/** Internal command behind the participant's "Copy Request ID" button (takes the ids). */
export const COPY_REQUEST_IDS_COMMAND = 'resilientClaude.chat.copyRequestIds';
/** Where the token counter's calibration is kept between sessions (globalState). */
export const TOKEN_RATIOS_KEY = 'resilientClaude.chat.tokenRatios';
/** The model entry that means "the configured chain, primary first" (named to be listed, and picked, first). */
export const CHAIN_MODEL_ID = 'resilient-chain';
