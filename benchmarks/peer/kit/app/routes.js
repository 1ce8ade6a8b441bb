//
// The same small branching form as benchmarks/peer/medskapa.yaml, the way the kit's
// docs build one: the question posts to the next page (the kit stores the answer in the
// session and redirects), and the answer route sends each answer to its own outcome.
// See https://prototype-kit.service.gov.uk/docs/create-routes
//

const govukPrototypeKit = require('govuk-prototype-kit')
const router = govukPrototypeKit.requests.setupRouter()

router.post('/kontrollera-svar-svar', function (req, res) {
  const forare = req.session.data.forare
  if (forare === 'Ja') {
    res.redirect('/som-forare')
  } else {
    res.redirect('/som-passagerare')
  }
})
