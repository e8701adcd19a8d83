"""Accounts entrypoint: bus handlers only."""

from __future__ import annotations

from services.accounts import store as store_module
from services.accounts.passwords import Passwords
from services.accounts.settings import AccountsSettings
from services.accounts.sms import DevSmsSender, HttpSmsSender, SmsSender
from services.accounts.store import AccountsStore
from services.accounts.usecases import admins, kiosks, phone, profile, sessions, sites
from services.accounts.usecases.context import Context
from services.contracts import accounts as c
from services.contracts.envelope import Empty, RpcReply, RpcRequest
from services.runtime import pii
from services.runtime.errors import require_caller
from services.runtime.service import ServiceHost


def sms_sender(settings: AccountsSettings) -> SmsSender:
    if settings.sms_sender == "http" and settings.sms_url:
        return HttpSmsSender(settings.sms_url, settings.sms_token)
    return DevSmsSender(settings.data_dir / "sms" / "outbox.log")


def create_host(settings: AccountsSettings | None = None) -> ServiceHost:
    settings = settings or AccountsSettings()
    host = ServiceHost(c.SERVICE, settings, store_module.INDEXES)
    secrets_dir = settings.data_dir / "secrets"
    key = pii.load_or_create_key(settings.pii_key_file or secrets_dir / "pii.key")
    ctx = Context(
        host=host,
        store=AccountsStore(host.mongo),
        cipher=pii.PiiCipher(key),
        code_secret=key,
        sms=sms_sender(settings),
        root_site=settings.root_site,
    )
    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
    host.emits(c.EVT_SESSION_REVOKED, c.SessionRevoked, "会话已注销 a session ended")
    host.emits(c.EVT_SITE_CHANGED, c.SiteView, "站点新建或变更 a site was created or changed")

    async def bootstrap() -> None:
        await sites.ensure_root(ctx, settings.root_site_name)
        if settings.bootstrap_admin and settings.bootstrap_password:
            await admins.ensure_bootstrap(
                ctx, passwords, settings.bootstrap_admin, settings.bootstrap_password
            )

    host.on_startup(bootstrap)

    @host.rpc(c.RPC_SITE_CREATE)
    async def site_create(request: RpcRequest[c.SiteCreate]) -> RpcReply[c.SiteView]:
        return RpcReply(data=await sites.create(ctx, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_SITE_UPDATE)
    async def site_update(request: RpcRequest[c.SiteUpdate]) -> RpcReply[c.SiteView]:
        return RpcReply(data=await sites.update(ctx, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_SITE_GET)
    async def site_get(request: RpcRequest[c.SiteRef]) -> RpcReply[c.SiteView]:
        return RpcReply(
            data=await sites.get(ctx, require_caller(request.caller), request.data.path)
        )

    @host.rpc(c.RPC_SITE_LIST)
    async def site_list(request: RpcRequest[c.SiteList]) -> RpcReply[c.SitePage]:
        return RpcReply(data=await sites.page(ctx, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_SITE_PUBLIC)
    async def site_public(request: RpcRequest[c.SiteRef]) -> RpcReply[c.PublicSite]:
        return RpcReply(data=await sites.public(ctx, request.data.path))

    @host.rpc(c.RPC_ADMIN_CREATE)
    async def admin_create(request: RpcRequest[c.AdminCreate]) -> RpcReply[c.AccountView]:
        return RpcReply(
            data=await admins.create(ctx, passwords, require_caller(request.caller), request.data)
        )

    @host.rpc(c.RPC_ADMIN_LIST)
    async def admin_list(request: RpcRequest[c.AccountList]) -> RpcReply[c.AccountPage]:
        return RpcReply(data=await admins.page(ctx, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_ADMIN_RESET_PASSWORD)
    async def admin_reset(request: RpcRequest[c.PasswordReset]) -> RpcReply[c.AccountView]:
        view = await admins.reset_password(
            ctx, passwords, require_caller(request.caller), request.data
        )
        return RpcReply(data=view)

    @host.rpc(c.RPC_ADMIN_UNLOCK)
    async def admin_unlock(request: RpcRequest[c.AccountRef]) -> RpcReply[c.AccountView]:
        return RpcReply(
            data=await admins.unlock(ctx, require_caller(request.caller), request.data.account_id)
        )

    @host.rpc(c.RPC_ADMIN_SIGN_IN)
    async def admin_sign_in(request: RpcRequest[c.AdminSignIn]) -> RpcReply[c.SignedIn]:
        return RpcReply(data=await admins.sign_in(ctx, passwords, request.data))

    @host.rpc(c.RPC_PASSWORD_CHANGE)
    async def password_change(request: RpcRequest[c.PasswordChange]) -> RpcReply[Empty]:
        await admins.change_password(ctx, passwords, require_caller(request.caller), request.data)
        return RpcReply(data=Empty())

    @host.rpc(c.RPC_PHONE_CODE)
    async def phone_code(request: RpcRequest[c.PhoneCodeRequest]) -> RpcReply[c.CodeSent]:
        return RpcReply(data=await phone.send_code(ctx, request.data, request.client))

    @host.rpc(c.RPC_PHONE_SIGN_IN)
    async def phone_sign_in(request: RpcRequest[c.PhoneSignIn]) -> RpcReply[c.SignedIn]:
        return RpcReply(data=await phone.sign_in(ctx, request.data))

    @host.rpc(c.RPC_KIOSK_ISSUE)
    async def kiosk_issue(request: RpcRequest[c.KioskIssue]) -> RpcReply[c.KioskIssued]:
        return RpcReply(data=await kiosks.issue(ctx, require_caller(request.caller), request.data))

    @host.rpc(c.RPC_KIOSK_LIST)
    async def kiosk_list(
        request: RpcRequest[c.KioskList],
    ) -> RpcReply[list[c.KioskDeviceView]]:
        return RpcReply(
            data=await kiosks.listing(ctx, require_caller(request.caller), request.data)
        )

    @host.rpc(c.RPC_KIOSK_REVOKE)
    async def kiosk_revoke(request: RpcRequest[c.KioskRevoke]) -> RpcReply[c.KioskDeviceView]:
        return RpcReply(
            data=await kiosks.revoke(ctx, require_caller(request.caller), request.data.device_id)
        )

    @host.rpc(c.RPC_KIOSK_SIGN_IN)
    async def kiosk_sign_in(request: RpcRequest[c.KioskSignIn]) -> RpcReply[c.SignedIn]:
        return RpcReply(data=await kiosks.sign_in(ctx, request.data))

    @host.rpc(c.RPC_SESSION_REFRESH)
    async def session_refresh(request: RpcRequest[c.SessionRefresh]) -> RpcReply[c.SignedIn]:
        return RpcReply(data=await profile.refresh(ctx, request.data))

    @host.rpc(c.RPC_SESSION_END)
    async def session_end(request: RpcRequest[c.SessionRef]) -> RpcReply[Empty]:
        await sessions.end(ctx, require_caller(request.caller), request.data.session_id)
        return RpcReply(data=Empty())

    @host.rpc(c.RPC_SESSIONS_REVOKED)
    async def sessions_revoked(request: RpcRequest[Empty]) -> RpcReply[c.RevokedSessions]:
        return RpcReply(data=await sessions.recently_revoked(ctx))

    @host.rpc(c.RPC_ME)
    async def me(request: RpcRequest[Empty]) -> RpcReply[c.Me]:
        return RpcReply(data=await profile.me(ctx, require_caller(request.caller)))

    return host
