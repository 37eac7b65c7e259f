import { none } from "eve/channels/auth";
import { eveChannel } from "eve/channels/eve";

// Anonymous on purpose: the test drives one turn over loopback HTTP.
export default eveChannel({ auth: none() });
