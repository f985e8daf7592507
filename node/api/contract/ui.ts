// The dashboard's route (issue 17): a one-time login code for `hive dashboard`. Only the API
// token may ask for one (a browser session cannot mint more); the browser trades it at
// POST /ui/session, outside this table since it is the one call made before any login.
import { defineRoute, respond } from './route.ts'

export interface LoginCodeView {
  code: string
  /** unix ms; the code is refused after this (60 s) and after its first use */
  expiresAt: number
  /** the page to open, relative to the API's address, with the code in its fragment */
  path: string
}

export const uiRoutes = {
  'ui.loginCode': defineRoute({
    method: 'POST',
    path: '/v1/ui/login-code',
    errors: ['TOKEN_REQUIRED'],
    response: respond<LoginCodeView>(),
    summary: 'a one-time, one-minute code that logs a browser into the dashboard',
  }),
}
