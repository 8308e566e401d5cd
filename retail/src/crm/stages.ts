/** Pipeline stages in order; `lost` can follow any stage. (Shared with client components: no imports.) */
export const CRM_STAGES = [
  "new",
  "qualified",
  "offer_sent",
  "signed",
  "switching",
  "active",
  "lost",
] as const;
export type CrmStage = (typeof CRM_STAGES)[number];
/** Activities a user can add by hand (stage changes are recorded by the stage action). */
export const CRM_NOTE_KINDS = ["note", "call", "email", "meeting"] as const;
