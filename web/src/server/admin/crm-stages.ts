// The CRM pipeline stages live in @c4e/retail (crm/stages.ts: no imports, shared with client components).
export { CRM_NOTE_KINDS, CRM_STAGES, type CrmStage } from "@c4e/retail/crm/stages";
