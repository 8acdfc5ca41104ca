from django.core.management.base import BaseCommand

from app.audit import signing
from app.audit.verify import VerificationInputError, verify_lines


class Command(BaseCommand):
    help = (
        "Verify an exported audit trail (JSON Lines): exit 0 and print OK with the count and "
        "head hash, or exit 1 with the first bad line and why; exit 2 when it cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--checkpoint", metavar="FILE", help="a signed checkpoint (JSON)")
        parser.add_argument(
            "--public-key",
            metavar="FILE",
            help="the signer's public key (PEM or base64); default: this server's own key",
        )
        parser.add_argument(
            "--whole", action="store_true", help="the export must start at the first event"
        )
        parser.add_argument(
            "--strict", action="store_true", help="also parse every line and check canonical form"
        )

    def handle(self, *args, file, checkpoint=None, public_key=None, **options):
        if checkpoint and not public_key:
            public_key = signing.public_key_pem()
        try:
            result = verify_lines(
                file,
                checkpoint=checkpoint,
                public_key=public_key,
                expect_first_seq=1 if options["whole"] else None,
                strict=options["strict"],
            )
        except VerificationInputError as error:
            self.stderr.write(f"ERROR: {error}")
            raise SystemExit(2) from None
        if result.ok:
            self.stdout.write(str(result))
            return
        self.stderr.write(str(result))
        raise SystemExit(1)
