import { CommunityError } from "@c4e/property/community/errors";
import { AppError } from "@/server/core/errors.ts";

/** A community use case's refusal as the web's error (one status table); anything else rethrown. */
export async function communityCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CommunityError) {
      const code = error.code === "incomplete_data" ? "conflict" : error.code;
      throw new AppError(code, error.message);
    }
    throw error;
  }
}
