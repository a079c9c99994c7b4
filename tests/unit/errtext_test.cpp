// errno texts: glibc's wording for the errnos pinit reports, a number for any other.
#include "errtext.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace pinit {
namespace {

TEST(ErrnoText, ReadsAsGlibcForTheErrorsPinitReports) {
    // The unit tests link glibc: its strerror is the reference.
    for (int err : {EPERM, ENOENT,       EIO,    E2BIG,  ENOEXEC, EAGAIN, ENOMEM,  EACCES,
                    EBUSY, ENOTDIR,      EISDIR, EINVAL, ENFILE,  EMFILE, ETXTBSY, ENOSPC,
                    EROFS, ENAMETOOLONG, ENOSYS, ELOOP,  EUSERS,  ENODEV, EDQUOT})
        EXPECT_STREQ(errno_text(err), std::strerror(err)) << err;
}

TEST(ErrnoText, NamesAnyOtherErrnoByNumber) {
    EXPECT_STREQ(errno_text(ECONNREFUSED), ("error " + std::to_string(ECONNREFUSED)).c_str());
    EXPECT_STREQ(errno_text(4095), "error 4095");
    EXPECT_STREQ(errno_text(0), "error 0");
}

}  // namespace
}  // namespace pinit
