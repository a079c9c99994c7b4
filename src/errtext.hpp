// errno -> text, for the errors pinit can meet. Pure: no syscalls.
#pragma once

namespace pinit {

// glibc's wording (what the caller's other tools print), e.g. "Permission denied"; an errno
// pinit does not expect reads "error 123". libc's strerror would cost 2 KB of the size budget.
const char* errno_text(int err);

}  // namespace pinit
