// The dashboard's route in the table (node/api/contract/ui.ts): a one-time login code. The
// server registers it with its own sessions; the browser trades the code at POST /ui/session.
import { bearerToken } from '../auth.ts'
import { ApiError } from '../errors.ts'
import type { RouteRegistry } from '../router.ts'
import type { UiSessions } from '../session.ts'
import { UI_PREFIX } from '../ui-static.ts'

export function registerUiRoutes(routes: RouteRegistry, sessions: Pick<UiSessions, 'issueCode'>): void {
  routes.area('ui', {
    'ui.loginCode': (call) => {
      // the server checked a presented token before dispatch; no token means a session cookie
      if (bearerToken(call.headers.authorization) == null)
        throw new ApiError(403, 'TOKEN_REQUIRED', 'only the API token may ask for a dashboard login code')
      const { code, expiresAt } = sessions.issueCode()
      return { code, expiresAt, path: `${UI_PREFIX}/login#${code}` }
    },
  })
}
