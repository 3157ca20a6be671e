package dev.serveragent.console;

import dev.serveragent.web.HttpRoutes;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.PairingInvite;
import dev.serveragent.web.WebAccess;
import io.javalin.http.NotFoundResponse;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.nayuki.qrcodegen.QrCode;

/**
 * {@code GET /console/pairing-qr.svg}: the pairing link ({@link PairingInvite#link}) as a QR code,
 * drawn here (no outside service) as a same-origin image, so a page under a strict CSP can show
 * it: no script, no style attribute, no data: URI. 404 while there is nothing to pair with (a
 * Master exists, Telegram is off, or the bot's @username is not known yet). Same access as the
 * console's API.
 */
public final class PairingQr implements HttpRoutes {
    public static final String PATH = "/console/pairing-qr.svg";
    /** The quiet zone the QR standard asks for, in modules. */
    private static final int BORDER = 4;

    private final WebAccess access;
    private final PairingInvite invite;
    private final Masters masters;
    private final boolean telegramOn;

    public PairingQr(WebAccess access, PairingInvite invite, Masters masters, boolean telegramOn) {
        this.access = access;
        this.invite = invite;
        this.masters = masters;
        this.telegramOn = telegramOn;
    }

    @Override
    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get(PATH, ctx -> {
            access.requireApi(ctx);
            if (!telegramOn || masters.anyListedOrPaired()) {
                throw new NotFoundResponse("no pairing code is offered: a Telegram Master exists or Telegram is off");
            }
            String link = invite.link(invite.current())
                    .orElseThrow(() -> new NotFoundResponse("the bot's @username is not known yet (Telegram has not answered getMe)"));
            ctx.header("Cache-Control", "no-store").contentType("image/svg+xml").result(svg(link));
        });
    }

    /** {@code text} as an SVG QR code (medium error correction), one unit per module. */
    static String svg(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        int size = qr.size + 2 * BORDER;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M').append(x + BORDER).append(',').append(y + BORDER).append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size + "\" width=\"" + size * 5
                + "\" height=\"" + size * 5 + "\" shape-rendering=\"crispEdges\"><title>" + dev.serveragent.web.Html.escape(text)
                + "</title><rect width=\"" + size + "\" height=\"" + size + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path
                + "\"/></svg>";
    }
}
