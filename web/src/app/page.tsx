import { redirect } from "next/navigation";

/** The prosumer page is the app's only audience so far. */
export default function Home(): never {
  redirect("/prosumer");
}
